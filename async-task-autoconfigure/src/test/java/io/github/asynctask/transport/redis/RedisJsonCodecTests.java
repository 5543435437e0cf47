package io.github.asynctask.transport.redis;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DefaultTyping;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The codec reads only into declared types: no class name in a message is ever honoured.
 */
class RedisJsonCodecTests {

	record Order(long id, List<String> items) {
	}

	record Box(@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) Object thing) {
	}

	private final JsonCodec codec = new JsonCodec(JsonMapper.builder().build());

	@Test
	void roundTripsTheDeclaredType() {
		Order order = new Order(7, List.of("tea"));
		byte[] json = JsonCodec.write(this.codec.writer(Order.class), order);
		assertThat(new String(json)).doesNotContain("RedisJsonCodecTests");
		assertThat(JsonCodec.read(this.codec.reader(Order.class), json)).isEqualTo(order);
	}

	@Test
	void refusesUnknownPropertiesEvenWhenTheApplicationMapperAllowsThem() {
		ObjectReader reader = this.codec.reader(Order.class);
		assertThatException().isThrownBy(() -> JsonCodec.read(reader, "{\"id\":1,\"items\":[],\"x\":1}".getBytes()))
			.withMessageContaining("Unrecognized property \"x\"");
	}

	@Test
	void refusesAClassNamedInTheMessage() {
		ObjectReader reader = this.codec.reader(Box.class);
		assertThatException()
			.isThrownBy(() -> JsonCodec.read(reader, "{\"thing\":{\"@class\":\"java.util.HashMap\"}}".getBytes()))
			.withMessageContaining("java.util.HashMap")
			.withMessageContaining("PolymorphicTypeValidator");
	}

	@Test
	void dropsTheApplicationMappersDefaultTyping() {
		JsonMapper typing = JsonMapper.builder()
			.activateDefaultTyping(BasicPolymorphicTypeValidator.builder().allowIfBaseType(Object.class).build(),
					DefaultTyping.NON_FINAL)
			.build();
		JsonCodec codec = new JsonCodec(typing);
		byte[] json = JsonCodec.write(codec.writer(Order.class), new Order(1, List.of("a")));
		assertThat(new String(json)).doesNotContain("java.util");
	}

}
