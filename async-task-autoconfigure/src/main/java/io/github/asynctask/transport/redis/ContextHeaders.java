package io.github.asynctask.transport.redis;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dispatching context that travels with a task (field {@code c} of a task entry, optional): the text headers the
 * execution chain's links write at the origin (the MDC, a trace context) as one JSON object of strings. An entry
 * without the field carries nothing, so entries written before it existed still run.
 * <p>
 * Threading: immutable, shared.
 */
final class ContextHeaders {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private static final ObjectWriter WRITER = MAPPER.writerFor(new TypeReference<Map<String, String>>() {
	});

	private static final ObjectReader READER = MAPPER.readerFor(new TypeReference<Map<String, String>>() {
	});

	private ContextHeaders() {
	}

	/** The field's value, or {@code null} when there is nothing to carry (the field is then left out). */
	static byte @Nullable [] write(@Nullable Map<String, String> headers) {
		return (headers == null || headers.isEmpty()) ? null : WRITER.writeValueAsBytes(headers);
	}

	/**
	 * The headers of an entry, or {@code null} when it carries none.
	 * @throws IllegalArgumentException if the field is not a JSON object of strings (the entry is malformed)
	 */
	static @Nullable Map<String, String> read(Map<String, byte[]> fields) {
		byte[] json = fields.get(Entries.CONTEXT);
		if (json == null) {
			return null;
		}
		Map<String, String> headers;
		try {
			headers = READER.readValue(json);
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("field '" + Entries.CONTEXT + "' (the dispatching context) is not a "
					+ "JSON object of strings: " + ex.getMessage());
		}
		return (headers == null || headers.isEmpty()) ? null : headers;
	}

}
