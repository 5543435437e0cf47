package io.github.asynctask.transport.redis;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

/**
 * A worker node in a JVM of its own, for the kill test: the test nodes' application, with the properties given as
 * arguments ({@code key=value}).
 */
public final class RedisWorkerNode {

	private RedisWorkerNode() {
	}

	public static void main(String[] args) {
		new SpringApplicationBuilder(RedisNodes.NodeApplication.class).web(WebApplicationType.NONE)
			.properties(args)
			.run();
	}

}
