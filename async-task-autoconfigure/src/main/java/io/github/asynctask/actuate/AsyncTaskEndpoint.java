package io.github.asynctask.actuate;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.List;
import java.util.function.ToDoubleFunction;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.asynctask.TaskServer;
import io.github.asynctask.TaskServerStats;
import io.github.asynctask.TaskStatus;
import io.github.asynctask.WorkerStats;
import io.github.asynctask.handler.FinishListener;
import io.github.asynctask.handler.TaskCounters;
import io.github.asynctask.handler.TaskHandler;
import io.github.asynctask.handler.TaskHandlerRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.context.Lifecycle;

/**
 * The {@code asynctask} endpoint: Swoole's {@code stats()} and more, the task server's settings, its counts, each
 * worker's, each task name's and each handler's description, the last minutes of throughput (when a
 * {@link ThroughputSampler} runs) and, in redis mode, the cluster ({@code redis}) and its dead letters:
 * {@code GET dead-letters/{task}} lists them and {@code POST dead-letters/{task}} with {@code action}
 * ({@code redrive} or {@code delete}) and optional {@code ids} (comma-separated) acts on them. Its default access is read-only: the
 * write operation needs {@code management.endpoint.asynctask.access=unrestricted}.
 * <p>
 * Threading: a read is a snapshot of counters that may move while it is taken; it never blocks the task server.
 * The cluster's parts are read from Redis on the calling thread.
 */
@Endpoint(id = "asynctask", defaultAccess = Access.READ_ONLY)
public class AsyncTaskEndpoint {

	/** The path segment of the dead-letter operations. */
	public static final String DEAD_LETTERS = "dead-letters";

	/** Dead letters listed at most. */
	public static final int DEAD_LETTER_LIMIT = 100;

	private final TaskServer server;

	private final TaskHandlerRegistry handlers;

	private final String transport;

	private final String dispatchMode;

	private final @Nullable ToDoubleFunction<TaskHandler> meanRunTimeMillis;

	private final @Nullable ThroughputSampler throughput;

	private final @Nullable AsyncTaskCluster cluster;

	/**
	 * @param server the task server
	 * @param handlers its handlers
	 * @param transport the transport's name ({@code local}, {@code redis})
	 * @param dispatchMode the dispatch mode's property value ({@code idle-first}, ...)
	 */
	public AsyncTaskEndpoint(TaskServer server, TaskHandlerRegistry handlers, String transport, String dispatchMode) {
		this(server, handlers, transport, dispatchMode, null, null, null);
	}

	/**
	 * @param server the task server
	 * @param handlers its handlers
	 * @param transport the transport's name ({@code local}, {@code redis})
	 * @param dispatchMode the dispatch mode's property value ({@code idle-first}, ...)
	 * @param meanRunTimeMillis the mean handler run time of a task name in milliseconds ({@code NaN} when none ran),
	 * or {@code null} when nothing measures it
	 * @param throughput the sampler of the last minutes' throughput, or {@code null}
	 * @param cluster the cluster the transport spans (redis mode), or {@code null}
	 */
	public AsyncTaskEndpoint(TaskServer server, TaskHandlerRegistry handlers, String transport, String dispatchMode,
			@Nullable ToDoubleFunction<TaskHandler> meanRunTimeMillis, @Nullable ThroughputSampler throughput,
			@Nullable AsyncTaskCluster cluster) {
		this.server = server;
		this.handlers = handlers;
		this.transport = transport;
		this.dispatchMode = dispatchMode;
		this.meanRunTimeMillis = meanRunTimeMillis;
		this.throughput = throughput;
		this.cluster = cluster;
	}

	@ReadOperation
	public AsyncTaskDescriptor asyncTask() {
		TaskServerStats stats = this.server.stats();
		List<TaskHandler> handlers = this.handlers.isFrozen() ? this.handlers.handlers() : List.of();
		ThroughputSampler throughput = this.throughput;
		AsyncTaskCluster cluster = this.cluster;
		return new AsyncTaskDescriptor(this.transport, this.server.taskWorkerNum(), this.dispatchMode,
				!(this.server instanceof Lifecycle lifecycle) || lifecycle.isRunning(), StatsDescriptor.of(stats),
				stats.workers().stream().map(WorkerDescriptor::of).toList(),
				handlers.stream().map(HandlerDescriptor::of).toList(),
				handlers.stream().map(this::describeTask).toList(),
				(throughput != null) ? throughput.snapshot() : null, (cluster != null) ? cluster.describe() : null);
	}

	private TaskDescriptor describeTask(TaskHandler handler) {
		TaskCounters counters = handler.counters();
		long completed = counters.completedCount();
		Double mean = null;
		if (this.meanRunTimeMillis != null) {
			double millis = this.meanRunTimeMillis.applyAsDouble(handler);
			mean = Double.isNaN(millis) ? null : Math.round(millis * 1000) / 1000.0;
		}
		Long results = (this.cluster != null) ? counters.resultsCount() : null;
		return new TaskDescriptor(handler.name(), counters.dispatchedCount(), counters.rejectedCount(), completed,
				completed - counters.completedCount(TaskStatus.SUCCEEDED), results, counters.retriesCount(), mean);
	}

	/**
	 * Lists the dead letters of a task name (redis mode), oldest first, at most {@value #DEAD_LETTER_LIMIT}.
	 * @param part {@value #DEAD_LETTERS}
	 * @param task the task name
	 * @return the dead letters
	 */
	@ReadOperation
	public List<?> deadLetters(@Selector String part, @Selector String task) {
		return cluster(part, task).deadLetters(task, DEAD_LETTER_LIMIT);
	}

	/**
	 * Acts on the dead letters of a task name (redis mode): {@code redrive} puts them back on their task stream with
	 * a fresh delivery count, {@code delete} drops them.
	 * @param part {@value #DEAD_LETTERS}
	 * @param task the task name
	 * @param action {@code redrive} or {@code delete}
	 * @param ids the dead letters' ids, separated by commas (Actuator's web layer reads a request body as a map of
	 * strings, so a JSON array cannot reach here); all of the task name's when {@code null}
	 * @return what was done
	 */
	@WriteOperation
	public DeadLetterActionDescriptor deadLetters(@Selector String part, @Selector String task, String action,
			@Nullable String ids) {
		AsyncTaskCluster cluster = cluster(part, task);
		List<String> idList = (ids != null) ? List.of(ids.trim().split("\\s*,\\s*")) : null;
		if (idList != null && idList.size() == 1 && idList.get(0).isEmpty()) {
			throw invalid("\"ids\" is empty: give the ids of the dead letters to act on, "
					+ "separated by commas, or leave \"ids\" out to act on all of them");
		}
		try {
			long done = switch (action) {
				case "redrive" -> cluster.redrive(task, idList);
				case "delete" -> cluster.delete(task, idList);
				default -> throw invalid("Unknown action '" + action
						+ "': use \"redrive\" (back on the task stream) or \"delete\"");
			};
			return new DeadLetterActionDescriptor(task, action, done);
		}
		catch (IllegalArgumentException ex) {
			throw invalid(ex.getMessage());
		}
	}

	private AsyncTaskCluster cluster(String part, String task) {
		if (!DEAD_LETTERS.equals(part)) {
			throw invalid("No part '" + part + "' in the asynctask endpoint: use "
					+ DEAD_LETTERS + "/{task}");
		}
		AsyncTaskCluster cluster = this.cluster;
		if (cluster == null) {
			throw invalid("There are no dead letters with the " + this.transport
					+ " transport: they exist in redis mode (async-task.transport=redis)");
		}
		if (!this.handlers.isFrozen() || !this.handlers.taskNames().contains(task)) {
			throw invalid("No task named '" + task + "': known task names are "
					+ (this.handlers.isFrozen() ? this.handlers.taskNames() : List.of()));
		}
		return cluster;
	}

	/** A request error whose message the web layer shows (it shows an exception's reason). */
	private static InvalidEndpointRequestException invalid(String message) {
		return new InvalidEndpointRequestException(message, message);
	}

	/**
	 * The whole description.
	 * @param transport {@code local} or {@code redis}
	 * @param taskWorkerNum the number of task workers
	 * @param dispatchMode how a task picks its worker
	 * @param running whether the server runs (accepts and runs tasks)
	 * @param stats the server's counts
	 * @param workers each worker's counts
	 * @param handlers each {@code @OnTask} method
	 * @param tasks each task name's counts on this node
	 * @param throughput tasks per second of the last minutes, when sampled
	 * @param redis the cluster, in redis mode
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record AsyncTaskDescriptor(String transport, int taskWorkerNum, String dispatchMode, boolean running,
			StatsDescriptor stats, List<WorkerDescriptor> workers, List<HandlerDescriptor> handlers,
			List<TaskDescriptor> tasks, ThroughputSampler.@Nullable Throughput throughput,
			@Nullable Object redis) implements OperationResponseBody {
	}

	/**
	 * One task name's counts on this node.
	 * @param task the task name
	 * @param dispatched tasks accepted here
	 * @param rejected tasks refused at dispatch here
	 * @param completed tasks that ended here, whatever their outcome
	 * @param failed those that did not succeed (failed, timed out or cancelled)
	 * @param results outcomes of tasks dispatched here that other nodes ran, received here (redis mode)
	 * @param retries attempts after the first
	 * @param meanRunTimeMillis mean handler run time of the ended tasks, when measured (with a meter registry) and
	 * one ended
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record TaskDescriptor(String task, long dispatched, long rejected, long completed, long failed,
			@Nullable Long results, long retries, @Nullable Double meanRunTimeMillis) {
	}

	/**
	 * What a dead-letter action did.
	 * @param task the task name
	 * @param action {@code redrive} or {@code delete}
	 * @param count dead letters redriven or deleted
	 */
	public record DeadLetterActionDescriptor(String task, String action, long count)
			implements OperationResponseBody {
	}

	/**
	 * The fields of {@link TaskServerStats}.
	 * @param dispatched tasks accepted
	 * @param completed tasks that ended, whatever their outcome
	 * @param failed tasks that ended without succeeding
	 * @param taskingNum tasks running now
	 * @param idleWorkerNum workers running nothing with nothing queued
	 * @param queuedNum tasks waiting in queues
	 * @param scheduledNum delayed tasks not yet due
	 */
	public record StatsDescriptor(long dispatched, long completed, long failed, int taskingNum, int idleWorkerNum,
			long queuedNum, long scheduledNum) {

		static StatsDescriptor of(TaskServerStats stats) {
			return new StatsDescriptor(stats.dispatched(), stats.completed(), stats.failed(), stats.taskingNum(),
					stats.idleWorkerNum(), stats.queuedNum(), stats.scheduledNum());
		}

	}

	/**
	 * The fields of {@link WorkerStats}.
	 * @param id the worker id
	 * @param busy whether it runs a task now
	 * @param queued tasks in its queue
	 * @param processed tasks it ran
	 * @param failed tasks it ran that failed
	 * @param restarts times its thread was replaced
	 */
	public record WorkerDescriptor(int id, boolean busy, int queued, long processed, long failed, int restarts) {

		static WorkerDescriptor of(WorkerStats worker) {
			return new WorkerDescriptor(worker.id(), worker.busy(), worker.queued(), worker.processed(),
					worker.failed(), worker.restarts());
		}

	}

	/**
	 * One {@code @OnTask} method.
	 * @param task the task name
	 * @param payloadType the payload's class name
	 * @param resultType the method's return type
	 * @param bean the bean's name
	 * @param method the method's signature
	 * @param finishListeners the {@code @OnFinish} methods that apply, in order, each as
	 * {@code <bean>#<method signature>}
	 */
	public record HandlerDescriptor(String task, String payloadType, String resultType, String bean, String method,
			List<String> finishListeners) {

		static HandlerDescriptor of(TaskHandler handler) {
			return new HandlerDescriptor(handler.name(), handler.payloadType().getName(),
					typeName(handler.resultType()), handler.beanName(), signature(handler.method()),
					handler.listeners().stream().map(HandlerDescriptor::describe).toList());
		}

		private static String describe(FinishListener listener) {
			return listener.beanName() + "#" + signature(listener.method());
		}

		private static String typeName(Type type) {
			return type.getTypeName();
		}

		private static String signature(Method method) {
			StringBuilder signature = new StringBuilder(method.getName()).append('(');
			Class<?>[] parameters = method.getParameterTypes();
			for (int i = 0; i < parameters.length; i++) {
				signature.append((i > 0) ? ", " : "").append(parameters[i].getSimpleName());
			}
			return signature.append(')').toString();
		}

	}

}
