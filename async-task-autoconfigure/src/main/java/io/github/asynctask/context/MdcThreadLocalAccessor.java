package io.github.asynctask.context;

import java.util.Map;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ThreadLocalAccessor;
import io.micrometer.context.integration.Slf4jThreadLocalAccessor;
import org.jspecify.annotations.Nullable;

/**
 * The whole SLF4J MDC as one {@link ThreadLocalAccessor} (key {@value Slf4jThreadLocalAccessor#KEY}, as
 * context-propagation's own), registered by async-task when no MDC accessor is, so that the MDC reaches tasks with
 * nothing more than the starter on the classpath. An empty MDC counts as nothing to carry.
 */
public final class MdcThreadLocalAccessor extends Slf4jThreadLocalAccessor {

	private MdcThreadLocalAccessor() {
	}

	@Override
	public @Nullable Map<String, String> getValue() {
		Map<String, String> map = super.getValue();
		return (map == null || map.isEmpty()) ? null : map;
	}

	/**
	 * Registers the MDC accessor in a registry unless one with key {@value Slf4jThreadLocalAccessor#KEY} is there
	 * already (the application's choice of MDC keys, or ours, registered before).
	 * @return whether it was registered
	 */
	public static boolean registerIfMissing(ContextRegistry registry) {
		synchronized (registry) {
			for (ThreadLocalAccessor<?> accessor : registry.getThreadLocalAccessors()) {
				if (Slf4jThreadLocalAccessor.KEY.equals(accessor.key())) {
					return false;
				}
			}
			registry.registerThreadLocalAccessor(new MdcThreadLocalAccessor());
			return true;
		}
	}

}
