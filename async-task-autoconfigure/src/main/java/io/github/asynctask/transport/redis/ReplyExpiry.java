package io.github.asynctask.transport.redis;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import io.github.asynctask.TaskStatus;
import io.github.asynctask.execution.Completion;
import io.github.asynctask.execution.Task;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.connection.RedisConnection;

/**
 * Ends the tasks dispatched here whose reply can no longer come, so that {@link AwaitingReplies} never keeps them.
 * The rule: a task's first entry stays in its task stream until the task's last entry is acknowledged, which a node
 * does only after it wrote the task's reply (or its dead letter and a {@code FAILED} reply); a cancel takes the task
 * out first. So once the entry is gone, its reply, if there is one, is already in this node's reply stream. A round
 * (every {@code claim-idle}) finds the awaited tasks, dispatched at least {@code claim-idle} ago, whose entry is gone,
 * and notes the reply stream's newest id; a later round ends {@code FAILED} each of them that is still awaited once
 * the reply reader has read past that id: its reply was never written, or trimmed or deleted before it was read (the
 * entry or its stream deleted by hand, a group lost while the task ran, a reply stream trimmed). Each is counted
 * ({@code async.task.replies.expired}). A task whose wait timed out stays until its reply comes (its result is then
 * counted dropped) or this rule ends it.
 * <p>
 * At most {@value #MAX_CHECKS} entries are looked up per round, in turn, so a large backlog costs Redis little.
 * <p>
 * Threading: {@link #round} on the cleanup loop's thread only.
 */
final class ReplyExpiry {

	private static final Log logger = LogFactory.getLog(ReplyExpiry.class);

	static final int MAX_CHECKS = 1000;

	private final AwaitingReplies awaiting;

	private final TaskStreams streams;

	private final KeyedStreams keyed;

	private final Completion completion;

	private final ReplyReader.Workers workers;

	private final byte[] replyKey;

	private final String replyKeyText;

	private final Supplier<String> readUpTo;

	private final long minAgeNanos;

	private List<Candidate> candidates = new ArrayList<>();

	private int offset;

	/**
	 * @param readUpTo the id of the last reply the reply reader has handled
	 * @param minAgeNanos how long after its dispatch a task's entry is first looked up ({@code claim-idle})
	 */
	ReplyExpiry(AwaitingReplies awaiting, TaskStreams streams, KeyedStreams keyed, Completion completion,
			ReplyReader.Workers workers, String replyKey, Supplier<String> readUpTo, long minAgeNanos) {
		this.awaiting = awaiting;
		this.streams = streams;
		this.keyed = keyed;
		this.completion = completion;
		this.workers = workers;
		this.replyKeyText = replyKey;
		this.replyKey = RedisKeys.bytes(replyKey);
		this.readUpTo = readUpTo;
		this.minAgeNanos = minAgeNanos;
	}

	void round(RedisConnection connection) {
		List<Candidate> still = conclude();
		Set<Task> known = new HashSet<>();
		still.forEach((candidate) -> known.add(candidate.task));
		List<Candidate> gone = findGone(connection, known);
		if (!gone.isEmpty()) {
			String mark = RedisStreamOps.lastId(connection, this.replyKey);
			for (Candidate candidate : gone) {
				still.add(new Candidate(candidate.task, candidate.entry, mark));
			}
		}
		this.candidates = still;
	}

	/** Ends the candidates whose reply the reader would have seen by now; returns the others. */
	private List<Candidate> conclude() {
		String read = this.readUpTo.get();
		List<Candidate> still = new ArrayList<>();
		for (Candidate candidate : this.candidates) {
			if (compare(read, candidate.mark) < 0) {
				still.add(candidate);
			}
			else if (this.awaiting.take(candidate.task)) {
				expire(candidate);
			}
		}
		return still;
	}

	private List<Candidate> findGone(RedisConnection connection, Set<Task> known) {
		List<Task> all = this.awaiting.all();
		long now = System.nanoTime();
		// the entry id read once: the task's place changes when its reply arrives meanwhile (a worker's queue)
		List<Candidate> due = new ArrayList<>();
		int n = all.size();
		int start = (n == 0) ? 0 : this.offset % n;
		int looked = 0;
		for (int i = 0; i < n && due.size() < MAX_CHECKS; i++) {
			Task task = all.get((start + i) % n);
			looked++;
			if (task.place() instanceof String id && now - task.dispatchNanos() >= this.minAgeNanos
					&& !known.contains(task)) {
				due.add(new Candidate(task, id, "0-0"));
			}
		}
		this.offset = start + looked;
		List<Candidate> gone = new ArrayList<>();
		for (Candidate candidate : due) {
			// one key per command (Redis Cluster): the entry, looked up by its id
			byte[] stream = this.keyed.streamOf(candidate.task, this.streams).keyBytes;
			List<?> found = connection.streamCommands().xRange(stream,
					Range.closed(candidate.entry, candidate.entry), Limit.limit().count(1));
			if (found == null || found.isEmpty()) {
				gone.add(candidate);
			}
		}
		return gone;
	}

	private void expire(Candidate candidate) {
		Task task = candidate.task;
		TaskStream stream = this.keyed.streamOf(task, this.streams);
		String problem = "Task " + task.taskId() + " '" + task.taskName() + "' got no reply: its entry "
				+ candidate.entry + " is no longer in " + stream + " (done, dead-lettered, or deleted) and no reply for "
				+ "it reached " + this.replyKeyText + "; its outcome is unknown";
		logger.warn(problem + ". Was the entry, its stream or this reply stream deleted or trimmed?");
		this.awaiting.expired(task);
		ReplyReader.end(task, TaskStatus.FAILED, new IllegalStateException(problem), this.completion, this.workers);
	}

	/** Compares two stream ids ({@code <ms>-<seq>}). */
	static int compare(String a, String b) {
		int dashA = a.indexOf('-');
		int dashB = b.indexOf('-');
		long msA = Long.parseLong((dashA < 0) ? a : a.substring(0, dashA));
		long msB = Long.parseLong((dashB < 0) ? b : b.substring(0, dashB));
		if (msA != msB) {
			return Long.compare(msA, msB);
		}
		long seqA = (dashA < 0) ? 0 : Long.parseLong(a.substring(dashA + 1));
		long seqB = (dashB < 0) ? 0 : Long.parseLong(b.substring(dashB + 1));
		return Long.compare(seqA, seqB);
	}

	/** A task whose entry was found gone, and the reply stream's newest id then. */
	private record Candidate(Task task, String entry, String mark) {
	}

}
