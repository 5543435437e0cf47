package io.github.asynctask.actuate;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.List;

import io.github.asynctask.TaskServer;
import io.github.asynctask.TaskServerStats;
import io.github.asynctask.WorkerStats;
import io.github.asynctask.handler.FinishListener;
import io.github.asynctask.handler.TaskHandler;
import io.github.asynctask.handler.TaskHandlerRegistry;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.context.Lifecycle;

/**
 * The read-only {@code asynctask} endpoint: Swoole's {@code stats()} and more, the task server's settings, its
 * counts, each worker's and each handler's description.
 * <p>
 * Threading: a read is a snapshot of counters that may move while it is taken; it never blocks the task server.
 */
@Endpoint(id = "asynctask")
public class AsyncTaskEndpoint {

	private final TaskServer server;

	private final TaskHandlerRegistry handlers;

	private final String transport;

	private final String dispatchMode;

	/**
	 * @param server the task server
	 * @param handlers its handlers
	 * @param transport the transport's name ({@code local}, {@code redis})
	 * @param dispatchMode the dispatch mode's property value ({@code idle-first}, ...)
	 */
	public AsyncTaskEndpoint(TaskServer server, TaskHandlerRegistry handlers, String transport, String dispatchMode) {
		this.server = server;
		this.handlers = handlers;
		this.transport = transport;
		this.dispatchMode = dispatchMode;
	}

	@ReadOperation
	public AsyncTaskDescriptor asyncTask() {
		TaskServerStats stats = this.server.stats();
		return new AsyncTaskDescriptor(this.transport, this.server.taskWorkerNum(), this.dispatchMode,
				!(this.server instanceof Lifecycle lifecycle) || lifecycle.isRunning(), StatsDescriptor.of(stats),
				stats.workers().stream().map(WorkerDescriptor::of).toList(),
				this.handlers.isFrozen() ? this.handlers.handlers().stream().map(HandlerDescriptor::of).toList()
						: List.of());
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
	 */
	public record AsyncTaskDescriptor(String transport, int taskWorkerNum, String dispatchMode, boolean running,
			StatsDescriptor stats, List<WorkerDescriptor> workers,
			List<HandlerDescriptor> handlers) implements OperationResponseBody {
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
