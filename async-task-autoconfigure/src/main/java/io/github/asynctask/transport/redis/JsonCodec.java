package io.github.asynctask.transport.redis;

import java.lang.reflect.Type;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

/**
 * Payloads and results as JSON, written and read with the application's {@link JsonMapper}. Reading is always into a
 * type declared by an {@code @OnTask} method (its payload parameter or its generic return type), never into a type a
 * message names: no class name travels, and an unknown property is an error (the entry is dead-lettered), whatever
 * the application's mapper does elsewhere.
 * <p>
 * Threading: immutable; readers and writers are made once per handler and shared.
 */
public final class JsonCodec {

	private final JsonMapper mapper;

	/**
	 * A codec on a copy of the application's mapper (its modules, naming and date settings) that resolves no type by
	 * a class name found in a message: default typing off, and every class-name type id denied, so a
	 * {@code @JsonTypeInfo(use = CLASS)} property cannot be fed a class either. Logical type names
	 * ({@code @JsonSubTypes}) still work.
	 */
	public JsonCodec(JsonMapper mapper) {
		this.mapper = mapper.rebuild()
			.deactivateDefaultTyping()
			.polymorphicTypeValidator(BasicPolymorphicTypeValidator.builder().build())
			.build();
	}

	/** A strict reader of the declared type. */
	public ObjectReader reader(Type declared) {
		JavaType type = this.mapper.getTypeFactory().constructType(declared);
		return this.mapper.readerFor(type).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
	}

	/** A writer of the declared type (so that a subtype is written as the declared type says). */
	public ObjectWriter writer(Type declared) {
		JavaType type = this.mapper.getTypeFactory().constructType(declared);
		return (type.isFinal() || type.isJavaLangObject()) ? this.mapper.writer() : this.mapper.writerFor(type);
	}

	/** Writes a value; the caller checks its size against {@code async-task.redis.max-payload-bytes}. */
	public static byte[] write(ObjectWriter writer, Object value) {
		return writer.writeValueAsBytes(value);
	}

	/**
	 * Reads a value.
	 * @throws tools.jackson.core.JacksonException if the JSON is bad or does not fit the type
	 */
	public static Object read(ObjectReader reader, byte[] json) {
		return reader.readValue(json);
	}

}
