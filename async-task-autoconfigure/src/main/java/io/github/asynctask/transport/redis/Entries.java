package io.github.asynctask.transport.redis;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.asynctask.RemoteTaskException;
import org.jspecify.annotations.Nullable;

/**
 * The fields of the stream entries. Field names are one or two letters (they are repeated in every entry); values
 * are UTF-8 text or JSON. No field ever holds a class name that a reader would load: an error's class name is only
 * text for a {@link RemoteTaskException}.
 * <ul>
 * <li>task entry ({@code <prefix>:task:<name>}): {@code o} origin node, {@code g} origin incarnation, {@code i}
 * task id at the origin, {@code p} payload JSON, {@code d} attempts made before a hand-back (optional), {@code r}
 * the id of the task's first entry, kept in the stream until the task's reply is written (a hand-back's copy
 * only), {@code c} the dispatching context, a JSON object of text headers (optional; see {@link ContextHeaders}),
 * {@code k} the key of a keyed task (its {@code String.valueOf}; in a partition stream
 * {@code <prefix>:task:<name>:{<p>}})</li>
 * <li>reply entry ({@code <prefix>:reply:<node>}): {@code g}, {@code i}, {@code s} status name, {@code v} result
 * JSON (success), {@code ec}/{@code em}/{@code es} error class, message and stack (failure), {@code p} payload
 * JSON echoed, {@code w} worker id, {@code a} attempts, {@code n} run time in nanoseconds, {@code x} node that ran
 * it</li>
 * <li>dead-letter entry ({@code <prefix>:dead:<name>}): the task entry's fields, plus {@code reason}, {@code id}
 * (the task entry's id), {@code deliveries} and {@code node} (the node that dead-lettered it)</li>
 * </ul>
 */
public final class Entries {

	static final String ORIGIN = "o";

	static final String INCARNATION = "g";

	static final String ID = "i";

	static final String PAYLOAD = "p";

	static final String DELIVERED_BEFORE = "d";

	static final String KEY = "k";

	static final String CONTEXT = "c";

	static final String FIRST = "r";

	static final String STATUS = "s";

	static final String VALUE = "v";

	static final String ERROR_CLASS = "ec";

	static final String ERROR_MESSAGE = "em";

	static final String ERROR_STACK = "es";

	static final String WORKER = "w";

	static final String ATTEMPTS = "a";

	static final String RUN_NANOS = "n";

	static final String RAN_ON = "x";

	private static final int MAX_STACK_FRAMES = 64;

	private Entries() {
	}

	/** The bytes of the field names used in every entry, made once. */
	private static final Map<String, byte[]> NAMES = new java.util.concurrent.ConcurrentHashMap<>();

	private static byte[] name(String name) {
		byte[] bytes = NAMES.get(name);
		if (bytes == null) {
			bytes = RedisKeys.bytes(name);
			if (NAMES.size() < 64) {
				NAMES.put(name, bytes);
			}
		}
		return bytes;
	}

	/** Builds an entry; values may be {@code String}, {@code byte[]} or a number. */
	static Map<byte[], byte[]> entry(Object... namesAndValues) {
		Map<byte[], byte[]> map = new LinkedHashMap<>(namesAndValues.length);
		for (int i = 0; i < namesAndValues.length; i += 2) {
			Object value = namesAndValues[i + 1];
			if (value != null) {
				map.put(name((String) namesAndValues[i]), bytesOf(value));
			}
		}
		return map;
	}

	static byte[] bytesOf(Object value) {
		if (value instanceof byte[] bytes) {
			return bytes;
		}
		return value.toString().getBytes(StandardCharsets.UTF_8);
	}

	/** The one-letter field names, by their letter: read without making a string per field of every entry. */
	private static final String[] LETTERS = new String[128];

	static {
		for (String name : new String[] { ORIGIN, INCARNATION, ID, PAYLOAD, DELIVERED_BEFORE, STATUS, VALUE, WORKER,
				ATTEMPTS, RUN_NANOS, RAN_ON }) {
			LETTERS[name.charAt(0)] = name;
		}
	}

	/** The fields of an entry read from Redis, by name. */
	static Map<String, byte[]> fields(@Nullable Map<byte[], byte[]> raw) {
		if (raw == null) {
			return Map.of();
		}
		Map<String, byte[]> fields = new HashMap<>(raw.size() * 2);
		raw.forEach((name, value) -> fields.put(nameOf(name), value));
		return fields;
	}

	private static String nameOf(byte[] name) {
		if (name.length == 1 && name[0] >= 0) {
			String letter = LETTERS[name[0]];
			if (letter != null) {
				return letter;
			}
		}
		return RedisKeys.text(name);
	}

	static @Nullable String text(Map<String, byte[]> fields, String name) {
		byte[] value = fields.get(name);
		return (value != null) ? new String(value, StandardCharsets.UTF_8) : null;
	}

	/**
	 * A number field.
	 * @throws IllegalArgumentException if it is missing or no number
	 */
	static long number(Map<String, byte[]> fields, String name) {
		String text = text(fields, name);
		if (text == null) {
			throw new IllegalArgumentException("field '" + name + "' is missing");
		}
		try {
			return Long.parseLong(text);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("field '" + name + "' is no number: '" + abbreviate(text) + "'");
		}
	}

	static long number(Map<String, byte[]> fields, String name, long otherwise) {
		return fields.containsKey(name) ? number(fields, name) : otherwise;
	}

	/**
	 * A text field that must be there.
	 * @throws IllegalArgumentException if it is missing
	 */
	static String required(Map<String, byte[]> fields, String name) {
		String text = text(fields, name);
		if (text == null) {
			throw new IllegalArgumentException("field '" + name + "' is missing");
		}
		return text;
	}

	/** A throwable's stack as text: one {@code class|method|file|line} per line. */
	static String stackText(Throwable error) {
		StringBuilder text = new StringBuilder(512);
		StackTraceElement[] frames = error.getStackTrace();
		for (int i = 0; i < frames.length && i < MAX_STACK_FRAMES; i++) {
			StackTraceElement frame = frames[i];
			text.append(frame.getClassName()).append('|').append(frame.getMethodName()).append('|')
				.append((frame.getFileName() != null) ? frame.getFileName() : "").append('|')
				.append(frame.getLineNumber()).append('\n');
		}
		return text.toString();
	}

	/** The stack written by {@link #stackText}; lines that do not parse are skipped. */
	static StackTraceElement[] stack(@Nullable String text) {
		if (text == null || text.isEmpty()) {
			return new StackTraceElement[0];
		}
		String[] lines = text.split("\n");
		java.util.List<StackTraceElement> frames = new java.util.ArrayList<>(lines.length);
		for (String line : lines) {
			String[] parts = line.split("\\|", -1);
			if (parts.length == 4) {
				try {
					frames.add(new StackTraceElement(parts[0], parts[1], parts[2].isEmpty() ? null : parts[2],
							Integer.parseInt(parts[3])));
				}
				catch (RuntimeException ex) {
					// a frame that does not parse is left out
				}
			}
		}
		return frames.toArray(new StackTraceElement[0]);
	}

	/** A throwable's message, or {@code null}; never throws (a message may come from user code). */
	static @Nullable String safeMessage(Throwable error) {
		try {
			return error.getMessage();
		}
		catch (Throwable ex) {
			return "(the exception's getMessage() threw " + ex.getClass().getName() + ")";
		}
	}

	/** The failure a reply reports. */
	static RemoteTaskException remoteError(Map<String, byte[]> reply) {
		String className = text(reply, ERROR_CLASS);
		String node = text(reply, RAN_ON);
		return new RemoteTaskException((className != null) ? className : "unknown", text(reply, ERROR_MESSAGE),
				(node != null) ? node : "?", stack(text(reply, ERROR_STACK)));
	}

	static String abbreviate(String text) {
		return (text.length() <= 80) ? text : text.substring(0, 77) + "...";
	}

}
