package io.github.asynctask.sample.node;

import io.github.asynctask.autoconfigure.AsyncTaskProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/node}: what this node is in the task setup, for the page: in redis mode a web node with
 * {@code async-task.redis.consume=false} only dispatches, and its own workers stay idle while worker nodes send.
 */
@RestController
class NodeController {

	private final AsyncTaskProperties properties;

	NodeController(AsyncTaskProperties properties) {
		this.properties = properties;
	}

	@GetMapping("/api/node")
	Node node() {
		boolean redis = this.properties.getTransport() == AsyncTaskProperties.Transport.REDIS
				&& !this.properties.isInline();
		return new Node(redis ? "redis" : "local", redis ? this.properties.getRedis().getNodeId() : null,
				!redis || this.properties.getRedis().isConsume());
	}

	/**
	 * @param transport {@code local} or {@code redis}
	 * @param nodeId the node's {@code async-task.redis.node-id} in redis mode, if set
	 * @param runsTasks whether this node's task workers run tasks ({@code false}: it only dispatches)
	 */
	record Node(String transport, @Nullable String nodeId, boolean runsTasks) {
	}

}
