package io.github.asynctask.autoconfigure;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataProperty;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataRepository;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataRepositoryJsonBuilder;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.ClassUtils;
import org.springframework.util.StreamUtils;

/**
 * Warns once at startup for each {@code async-task.*} key that no async-task property has, naming the nearest
 * known key: Spring Boot ignores unknown keys, so {@code async-task.task-worker-nun=4} would otherwise go unnoticed.
 * <p>
 * The known keys are those of the configuration metadata that the build generates from
 * {@link AsyncTaskProperties} ({@code META-INF/spring-configuration-metadata.json}), so a property added there is
 * known without touching this class. Below a {@code Map}-typed property ({@code async-task.tasks.<name>.*}) any
 * name is accepted, and the field after it is checked against the map value type's properties. Keys are compared
 * as the binder compares them, so relaxed forms ({@code taskWorkerNum}, {@code ASYNCTASK_TASKWORKERNUM}) are known.
 * Environment variables in the underscore form ({@code ASYNC_TASK_TASK_WORKER_NUM}, which the binder also reads) are
 * checked against the same keys written so.
 * Without the metadata on the class path (a build that skipped the annotation processor) it reports nothing.
 */
final class UnknownPropertyReporter implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(UnknownPropertyReporter.class);

	static final String METADATA_LOCATION = "META-INF/spring-configuration-metadata.json";

	private final Environment environment;

	private final ConfigurationPropertyName prefix;

	private final ClassLoader classLoader;

	UnknownPropertyReporter(Environment environment, String prefix, @Nullable ClassLoader classLoader) {
		this.environment = environment;
		this.prefix = ConfigurationPropertyName.of(prefix);
		this.classLoader = (classLoader != null) ? classLoader : ClassUtils.getDefaultClassLoader();
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (logger.isWarnEnabled()) {
			unknownProperties().forEach(logger::warn);
		}
	}

	/**
	 * One message per unknown key in the environment, in the order the property sources list them.
	 * @return the messages; empty when every key is known
	 */
	List<String> unknownProperties() {
		Map<ConfigurationPropertyName, ConfigurationProperty> present = presentProperties();
		Map<String, String> variables = presentEnvironmentVariables();
		if (present.isEmpty() && variables.isEmpty()) {
			return List.of();
		}
		KnownKeys known = loadKnownKeys();
		if (known.isEmpty()) {
			return List.of();
		}
		List<String> messages = new ArrayList<>();
		present.forEach((name, property) -> {
			if (!known.contains(name)) {
				messages.add(message(name, property, known.nearest(name)));
			}
		});
		variables.forEach((variable, source) -> {
			if (!known.containsVariable(variable)) {
				messages.add(variableMessage(variable, source, known.nearestVariable(variable, this.prefix)));
			}
		});
		return messages;
	}

	/**
	 * Environment variables in the underscore form of the prefix ({@code ASYNC_TASK_...}), with the name of their
	 * property source. The binder maps them to the prefix's keys, but a property source lists them as
	 * {@code async.task....}, which is not below the prefix: they are looked at by name.
	 */
	private Map<String, String> presentEnvironmentVariables() {
		String start = variable(this.prefix.toString()) + "_";
		Map<String, String> variables = new LinkedHashMap<>();
		if (this.environment instanceof ConfigurableEnvironment configurable) {
			for (PropertySource<?> source : configurable.getPropertySources()) {
				if (source instanceof SystemEnvironmentPropertySource environmentSource) {
					for (String name : environmentSource.getPropertyNames()) {
						if (name.toUpperCase(Locale.ROOT).startsWith(start)) {
							variables.putIfAbsent(name, source.getName());
						}
					}
				}
			}
		}
		return variables;
	}

	/** A key as an environment variable in the underscore form: {@code ASYNC_TASK_TASK_WORKER_NUM}. */
	static String variable(String key) {
		return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
	}

	private static String variableMessage(String variable, String source, @Nullable String nearest) {
		StringBuilder message = new StringBuilder("Unknown property '").append(variable).append("' is ignored: ");
		if (nearest != null) {
			message.append("did you mean '").append(variable(nearest)).append("' (").append(nearest).append(")?");
		}
		else {
			message.append("async-task has no property like it.");
		}
		return message.append(" (from property source \"").append(source).append("\")").toString();
	}

	private Map<ConfigurationPropertyName, ConfigurationProperty> presentProperties() {
		Map<ConfigurationPropertyName, ConfigurationProperty> present = new LinkedHashMap<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				iterable.filter(this.prefix::isAncestorOf).forEach((name) -> {
					if (present.keySet().stream().noneMatch(name::equals)) {
						ConfigurationProperty property = source.getConfigurationProperty(name);
						if (property != null) {
							present.put(name, property);
						}
					}
				});
			}
		}
		return present;
	}

	private static String message(ConfigurationPropertyName name, ConfigurationProperty property,
			@Nullable String nearest) {
		Origin origin = property.getOrigin();
		// The key as written (ASYNCTASK_TASKWORKERNUN, taskWorkerNun), where the source tells it.
		String key = (origin instanceof PropertySourceOrigin source) ? source.getPropertyName() : name.toString();
		StringBuilder message = new StringBuilder("Unknown property '").append(key).append("' is ignored: ");
		if (nearest != null) {
			message.append("did you mean '").append(nearest).append("'?");
		}
		else {
			message.append("async-task has no property like it.");
		}
		if (origin instanceof PropertySourceOrigin source) {
			// A file's line and column where known, else the property source's name.
			Origin location = source.getOrigin();
			message.append(" (from ")
				.append((location != null) ? location : "property source \"" + source.getPropertySource().getName() + "\"")
				.append(")");
		}
		else if (origin != null) {
			message.append(" (from ").append(origin).append(")");
		}
		return message.toString();
	}

	private KnownKeys loadKnownKeys() {
		KnownKeys known = new KnownKeys();
		try {
			Enumeration<URL> resources = this.classLoader.getResources(METADATA_LOCATION);
			while (resources.hasMoreElements()) {
				String json = read(resources.nextElement());
				// Most jars' metadata has nothing of ours: skip it unparsed.
				if (json.contains("\"" + this.prefix + ".")) {
					ConfigurationMetadataRepository repository = ConfigurationMetadataRepositoryJsonBuilder
						.create(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)))
						.build();
					for (ConfigurationMetadataProperty property : repository.getAllProperties().values()) {
						String id = property.getId();
						if (ConfigurationPropertyName.isValid(id)
								&& this.prefix.isAncestorOf(ConfigurationPropertyName.of(id))) {
							known.add(ConfigurationPropertyName.of(id),
									(property.getType() != null) ? property.getType() : "", this.classLoader);
						}
					}
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Cannot read the configuration metadata; unknown async-task properties are not reported", ex);
			return new KnownKeys();
		}
		return known;
	}

	private static String read(URL resource) throws IOException {
		try (InputStream in = resource.openStream()) {
			return StreamUtils.copyToString(in, StandardCharsets.UTF_8);
		}
	}

	/** The keys of the metadata: plain leaves, and containers (maps, lists) whose children are open. */
	private static final class KnownKeys {

		private final List<ConfigurationPropertyName> leaves = new ArrayList<>();

		/** Map-typed properties, with the property names of their value type (null: any name below is fine). */
		private final Map<ConfigurationPropertyName, @Nullable Set<String>> maps = new LinkedHashMap<>();

		/** Lists and arrays: indexes below them. */
		private final List<ConfigurationPropertyName> collections = new ArrayList<>();

		boolean isEmpty() {
			return this.leaves.isEmpty() && this.maps.isEmpty() && this.collections.isEmpty();
		}

		void add(ConfigurationPropertyName name, String type, ClassLoader classLoader) {
			if (type.startsWith("java.util.Map<")) {
				this.maps.put(name, valueProperties(type, classLoader));
			}
			else if (type.startsWith("java.util.List<") || type.startsWith("java.util.Set<")
					|| type.startsWith("java.util.Collection<") || type.endsWith("[]")) {
				this.collections.add(name);
			}
			this.leaves.add(name);
		}

		boolean contains(ConfigurationPropertyName name) {
			for (ConfigurationPropertyName leaf : this.leaves) {
				if (leaf.equals(name)) {
					return true;
				}
			}
			for (ConfigurationPropertyName collection : this.collections) {
				if (collection.isAncestorOf(name)) {
					return true;
				}
			}
			for (Map.Entry<ConfigurationPropertyName, @Nullable Set<String>> map : this.maps.entrySet()) {
				if (map.getKey().isAncestorOf(name)) {
					Set<String> fields = map.getValue();
					// async-task.tasks.<key>.<field>: the key is free, the field must be one of the value's.
					return fields == null || (name.getNumberOfElements() == map.getKey().getNumberOfElements() + 2
							&& fields.contains(uniform(name.getLastElement(ConfigurationPropertyName.Form.UNIFORM))));
				}
			}
			return false;
		}

		/** Whether an environment variable in the underscore form names a known key. */
		boolean containsVariable(String variable) {
			String name = variable.toUpperCase(Locale.ROOT);
			for (ConfigurationPropertyName leaf : this.leaves) {
				if (variable(leaf.toString()).equals(name)) {
					return true;
				}
			}
			for (ConfigurationPropertyName collection : this.collections) {
				if (name.startsWith(variable(collection.toString()) + "_")) {
					return true;
				}
			}
			for (Map.Entry<ConfigurationPropertyName, @Nullable Set<String>> map : this.maps.entrySet()) {
				String start = variable(map.getKey().toString()) + "_";
				if (name.startsWith(start)) {
					// ..._TASKS_<key>_<FIELD>: the key may hold underscores, so only the end is checked
					String rest = uniform(name.substring(start.length()));
					Set<String> fields = map.getValue();
					return fields == null || fields.stream()
						.anyMatch((field) -> rest.endsWith(field) && rest.length() > field.length());
				}
			}
			return false;
		}

		/** The known key nearest to an environment variable, if it is a near miss. */
		@Nullable String nearestVariable(String variable, ConfigurationPropertyName prefix) {
			List<String> candidates = new ArrayList<>();
			this.leaves.forEach((leaf) -> candidates.add(leaf.toString()));
			String wanted = uniform(variable);
			int allowed = Math.max(2, (wanted.length() - uniform(prefix.toString()).length()) / 5);
			return closest(wanted, candidates, allowed);
		}

		@Nullable String nearest(ConfigurationPropertyName name) {
			List<String> candidates = new ArrayList<>();
			this.leaves.forEach((leaf) -> candidates.add(leaf.toString()));
			this.maps.forEach((map, fields) -> {
				if (fields != null && map.isAncestorOf(name) && name.getNumberOfElements() > map.getNumberOfElements() + 1) {
					String key = name.getElement(map.getNumberOfElements(), ConfigurationPropertyName.Form.ORIGINAL);
					fields.forEach((field) -> candidates.add(map + "." + key + "." + field));
				}
			});
			// Only a near miss is a suggestion: a third of the last element's length, at least 2 edits.
			int allowed = Math.max(2, uniform(name.getLastElement(ConfigurationPropertyName.Form.UNIFORM)).length() / 3);
			return closest(uniform(name.toString()), candidates, allowed);
		}

		private static @Nullable String closest(String wanted, List<String> candidates, int allowed) {
			String best = null;
			int bestDistance = Integer.MAX_VALUE;
			for (String candidate : candidates) {
				int distance = distance(wanted, uniform(candidate));
				if (distance < bestDistance) {
					best = candidate;
					bestDistance = distance;
				}
			}
			return (bestDistance <= allowed) ? best : null;
		}

		private static @Nullable Set<String> valueProperties(String mapType, ClassLoader classLoader) {
			int comma = mapType.indexOf(',');
			if (comma < 0 || !mapType.endsWith(">")) {
				return null;
			}
			String valueType = mapType.substring(comma + 1, mapType.length() - 1).trim();
			if (valueType.contains("<")) {
				return null;
			}
			try {
				Class<?> type = ClassUtils.forName(valueType, classLoader);
				if (BeanUtils.isSimpleValueType(type) || type.getName().startsWith("java.")) {
					return null;
				}
				Set<String> names = new LinkedHashSet<>();
				if (type.isRecord()) {
					for (RecordComponent component : type.getRecordComponents()) {
						names.add(uniform(component.getName()));
					}
				}
				else {
					for (java.beans.PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
						if (descriptor.getWriteMethod() != null) {
							names.add(uniform(descriptor.getName()));
						}
					}
				}
				return names.isEmpty() ? null : names;
			}
			catch (ClassNotFoundException | LinkageError ex) {
				return null;
			}
		}

		/** Lower case without dashes or underscores: how the binder compares names. */
		private static String uniform(String name) {
			return name.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
		}

		private static int distance(String a, String b) {
			int[] previous = new int[b.length() + 1];
			int[] current = new int[b.length() + 1];
			for (int j = 0; j <= b.length(); j++) {
				previous[j] = j;
			}
			for (int i = 1; i <= a.length(); i++) {
				current[0] = i;
				for (int j = 1; j <= b.length(); j++) {
					int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
					current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
				}
				int[] swap = previous;
				previous = current;
				current = swap;
			}
			return previous[b.length()];
		}

	}

}
