package io.github.asynctask.transport.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.github.asynctask.TaskCallback;
import io.github.asynctask.TaskResult;
import io.github.asynctask.TaskStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the origin heard, per task id: every accepted dispatch is recorded, every outcome counted, so that a test can
 * say which task got no outcome and which got two.
 */
final class OutcomeLedger {

	private final Set<Long> accepted = ConcurrentHashMap.newKeySet();

	private final Map<Long, AtomicInteger> outcomes = new ConcurrentHashMap<>();

	private final Map<TaskStatus, LongAdder> statuses = new ConcurrentHashMap<>();

	private final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());

	private final LongAdder total = new LongAdder();

	/** The callback to dispatch with. */
	<R> TaskCallback<R> callback() {
		return this::heard;
	}

	private void heard(TaskResult<?> result) {
		this.outcomes.computeIfAbsent(result.taskId(), (id) -> new AtomicInteger()).incrementAndGet();
		this.statuses.computeIfAbsent(result.status(), (status) -> new LongAdder()).increment();
		if (!result.isSuccess() && this.failures.size() < 20) {
			this.failures.add(result.taskId() + " " + result.status() + ": " + result.error());
		}
		this.total.increment();
	}

	/** A dispatch the transport accepted (its id, as dispatch returned it). */
	void accepted(long id) {
		this.accepted.add(id);
	}

	int acceptedCount() {
		return this.accepted.size();
	}

	/** Outcomes heard, duplicates included. */
	long heard() {
		return this.total.sum();
	}

	/** Accepted tasks that have an outcome. */
	long decided() {
		return this.accepted.stream().filter(this.outcomes::containsKey).count();
	}

	/** Every accepted task has exactly one outcome, and no outcome names a task not accepted. */
	void assertExactlyOneOutcomeEach() {
		List<Long> missing = new ArrayList<>();
		for (long id : this.accepted) {
			if (!this.outcomes.containsKey(id)) {
				missing.add(id);
			}
		}
		assertThat(missing).as("accepted tasks without an outcome (of %d)", this.accepted.size()).isEmpty();
		assertAtMostOneOutcomeEach();
	}

	/** No task has two outcomes, and no outcome names a task not accepted (some may have none). */
	void assertAtMostOneOutcomeEach() {
		List<Long> twice = new ArrayList<>();
		this.outcomes.forEach((id, count) -> {
			if (count.get() > 1) {
				twice.add(id);
			}
		});
		assertThat(twice).as("tasks with more than one outcome").isEmpty();
		List<Long> unknown = new ArrayList<>();
		for (long id : this.outcomes.keySet()) {
			if (!this.accepted.contains(id)) {
				unknown.add(id);
			}
		}
		assertThat(unknown).as("outcomes of tasks never accepted").isEmpty();
	}

	void assertAllSucceeded() {
		assertThat(this.failures).as("outcomes other than SUCCEEDED: " + this.statuses).isEmpty();
	}

	@Override
	public String toString() {
		return this.accepted.size() + " accepted, " + this.total.sum() + " outcomes heard " + this.statuses;
	}

}
