/*
 * async-task dashboard: reads the asynctask Actuator endpoint every 2 s and draws what it says. No framework, no
 * build: plain DOM and a <canvas> chart. Data goes into the page only as text (textContent), never as HTML.
 */
(function () {
	'use strict';

	var REFRESH_MS = 2000;

	function meta(name) {
		var element = document.querySelector('meta[name="' + name + '"]');
		return element ? element.getAttribute('content') || '' : '';
	}

	var endpoint = meta('async-task-endpoint');
	var writable = meta('async-task-writable') === 'true';
	var state = { last: null, deadTask: null, selected: new Set(), busy: false };

	function $(id) {
		return document.getElementById(id);
	}

	function cookie(name) {
		var match = document.cookie.match(new RegExp('(?:^|; )' + name + '=([^;]*)'));
		return match ? decodeURIComponent(match[1]) : '';
	}

	/** The CSRF header of the application's Spring Security: the page's meta tags, else the XSRF-TOKEN cookie. */
	function csrfHeaders(headers) {
		var token = meta('_csrf');
		var header = meta('_csrf_header');
		if (token && header) {
			headers[header] = token;
		}
		else if (cookie('XSRF-TOKEN')) {
			headers['X-XSRF-TOKEN'] = cookie('XSRF-TOKEN');
		}
		return headers;
	}

	function request(url, options) {
		options = options || {};
		options.credentials = 'same-origin';
		options.cache = 'no-store';
		options.headers = Object.assign({ Accept: 'application/json' }, options.headers || {});
		return fetch(url, options).then(function (response) {
			if (!response.ok) {
				return response.text().then(function (body) {
					var message = response.status + ' ' + (response.statusText || '');
					try {
						var json = JSON.parse(body);
						if (json && json.message) {
							message += ': ' + json.message;
						}
					}
					catch (ignored) {
						// not JSON: the status says enough
					}
					throw new Error(message.trim());
				});
			}
			return response.json();
		});
	}

	function el(tag, text, className) {
		var element = document.createElement(tag);
		if (text !== undefined && text !== null) {
			element.textContent = String(text);
		}
		if (className) {
			element.className = className;
		}
		return element;
	}

	function num(value) {
		return (typeof value === 'number') ? value.toLocaleString('en-US') : '–';
	}

	function cell(row, value, className) {
		var td = el('td', value, className);
		row.appendChild(td);
		return td;
	}

	function millis(value) {
		if (typeof value !== 'number') {
			return '–';
		}
		if (value < 1) {
			return (value * 1000).toFixed(0) + ' µs';
		}
		if (value < 1000) {
			return value.toFixed(value < 10 ? 2 : 0) + ' ms';
		}
		return (value / 1000).toFixed(2) + ' s';
	}

	function ago(iso) {
		var time = Date.parse(iso);
		if (isNaN(time)) {
			return '–';
		}
		var seconds = Math.max(0, Math.round((Date.now() - time) / 1000));
		return seconds < 90 ? seconds + ' s ago' : Math.round(seconds / 60) + ' min ago';
	}

	function replaceRows(tbody, rows) {
		while (tbody.firstChild) {
			tbody.removeChild(tbody.firstChild);
		}
		rows.forEach(function (row) {
			tbody.appendChild(row);
		});
	}

	function showError(message) {
		var error = $('error');
		error.textContent = message;
		error.hidden = !message;
	}

	// Overview and workers

	function renderOverview(json) {
		var stats = json.stats || {};
		var workers = json.workers || [];
		var busy = workers.filter(function (worker) { return worker.busy; }).length;
		var badge = $('state');
		badge.textContent = json.running ? 'running' : 'stopped';
		badge.className = 'badge ' + (json.running ? 'running' : 'stopped');
		$('transport').textContent = json.transport + ' transport · ' + json.dispatchMode;
		$('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
		var figures = [['Workers', json.taskWorkerNum], ['Busy', busy], ['Idle', stats.idleWorkerNum],
			['Queued', stats.queuedNum], ['Running', stats.taskingNum], ['Dispatched', stats.dispatched],
			['Completed', stats.completed]];
		if (json.redis) {
			figures.push(['Results back', (json.tasks || []).reduce(function (sum, task) {
				return sum + (task.results || 0);
			}, 0), 'Outcomes of tasks dispatched here that other nodes ran']);
		}
		figures.push(['Failed', stats.failed]);
		if (typeof stats.scheduledNum === 'number') {
			figures.push(['Scheduled', stats.scheduledNum]);
		}
		var list = $('figures');
		while (list.firstChild) {
			list.removeChild(list.firstChild);
		}
		figures.forEach(function (figure) {
			var box = el('div');
			if (figure[2]) {
				box.title = figure[2];
			}
			box.appendChild(el('dt', figure[0]));
			var value = el('dd', num(figure[1]));
			value.id = 'figure-' + figure[0].toLowerCase().replace(/ /g, '-');
			box.appendChild(value);
			list.appendChild(box);
		});
		var items = workers.map(function (worker) {
			var item = el('li', 'W' + worker.id + (worker.queued ? ' · ' + worker.queued : ''),
				worker.busy ? 'busy' : 'idle');
			item.title = 'Worker ' + worker.id + ': ' + (worker.busy ? 'busy' : 'idle') + ', ' + worker.queued
				+ ' queued, ' + worker.processed + ' processed, ' + worker.failed + ' failed';
			item.setAttribute('aria-label', item.title);
			return item;
		});
		replaceRows($('workers'), items);
	}

	// Chart

	function renderChart(throughput, redis) {
		var canvas = $('chart');
		var dispatched = (throughput && throughput.dispatched) || [];
		var completed = (throughput && throughput.completed) || [];
		var results = (redis && throughput && throughput.results) || [];
		var seconds = 300;
		var width = canvas.clientWidth;
		var height = canvas.clientHeight;
		var ratio = window.devicePixelRatio || 1;
		if (!width || !height) {
			return;
		}
		if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
			canvas.width = Math.round(width * ratio);
			canvas.height = Math.round(height * ratio);
		}
		var context = canvas.getContext('2d');
		if (!context) {
			return;
		}
		var style = getComputedStyle(document.documentElement);
		var colors = {
			line: style.getPropertyValue('--line').trim() || '#ccc',
			muted: style.getPropertyValue('--muted').trim() || '#666',
			dispatched: style.getPropertyValue('--dispatched').trim() || '#1f6feb',
			completed: style.getPropertyValue('--completed').trim() || '#1a7f37',
			results: style.getPropertyValue('--results').trim() || '#8250df'
		};
		context.setTransform(ratio, 0, 0, ratio, 0, 0);
		context.clearRect(0, 0, width, height);
		var left = 48;
		var right = 8;
		var top = 8;
		var bottom = 22;
		var plotWidth = Math.max(10, width - left - right);
		var plotHeight = Math.max(10, height - top - bottom);
		var max = 0;
		dispatched.concat(completed, results).forEach(function (value) {
			max = Math.max(max, value);
		});
		var scale = niceMax(max);
		context.font = '11px system-ui, sans-serif';
		context.lineWidth = 1;
		context.fillStyle = colors.muted;
		context.strokeStyle = colors.line;
		context.textBaseline = 'middle';
		context.textAlign = 'right';
		for (var i = 0; i <= 4; i++) {
			var y = top + plotHeight - (plotHeight * i / 4);
			context.beginPath();
			context.moveTo(left, Math.round(y) + 0.5);
			context.lineTo(left + plotWidth, Math.round(y) + 0.5);
			context.stroke();
			context.fillText(shortNumber(scale * i / 4), left - 6, y);
		}
		context.textAlign = 'center';
		context.textBaseline = 'top';
		[300, 240, 180, 120, 60, 0].forEach(function (secondsAgo) {
			var x = left + plotWidth * (seconds - secondsAgo) / seconds;
			context.fillText(secondsAgo === 0 ? 'now' : '-' + (secondsAgo / 60) + ' min', x, top + plotHeight + 6);
		});
		drawSeries(context, dispatched, colors.dispatched, [], left, top, plotWidth, plotHeight, scale, seconds);
		drawSeries(context, completed, colors.completed, [5, 3], left, top, plotWidth, plotHeight, scale, seconds);
		drawSeries(context, results, colors.results, [2, 3], left, top, plotWidth, plotHeight, scale, seconds);
		var lastDispatched = dispatched.length ? dispatched[dispatched.length - 1] : 0;
		var lastCompleted = completed.length ? completed[completed.length - 1] : 0;
		var lastResults = results.length ? results[results.length - 1] : 0;
		$('rate-dispatched').textContent = num(lastDispatched);
		$('rate-completed').textContent = num(lastCompleted);
		$('rate-results').textContent = num(lastResults);
		canvas.setAttribute('aria-label', 'Throughput chart of the last ' + dispatched.length + ' seconds: now '
			+ lastDispatched + ' dispatched and ' + lastCompleted + ' completed per second'
			+ (redis ? ', ' + lastResults + ' results back per second' : '') + ', peak ' + max + ' per second');
		canvas.setAttribute('data-samples', String(dispatched.length));
		canvas.setAttribute('data-peak', String(max));
	}

	function drawSeries(context, values, color, dash, left, top, width, height, scale, seconds) {
		if (!values.length) {
			return;
		}
		context.save();
		context.strokeStyle = color;
		context.lineWidth = 2;
		context.setLineDash(dash);
		context.beginPath();
		var offset = seconds - values.length;
		values.forEach(function (value, index) {
			var x = left + width * (offset + index + 1) / seconds;
			var y = top + height - (height * value / scale);
			if (index === 0) {
				context.moveTo(x, y);
			}
			else {
				context.lineTo(x, y);
			}
		});
		context.stroke();
		context.restore();
	}

	function niceMax(max) {
		if (max <= 4) {
			return 4;
		}
		var power = Math.pow(10, Math.floor(Math.log10(max)));
		var steps = [1, 2, 2.5, 5, 10];
		for (var i = 0; i < steps.length; i++) {
			if (steps[i] * power >= max) {
				return steps[i] * power;
			}
		}
		return 10 * power;
	}

	function shortNumber(value) {
		if (value >= 1e6) {
			return (value / 1e6).toFixed(value % 1e6 ? 1 : 0) + 'M';
		}
		if (value >= 1e3) {
			return (value / 1e3).toFixed(value % 1e3 ? 1 : 0) + 'k';
		}
		return String(Math.round(value * 10) / 10);
	}

	// Tasks

	function renderTasks(json) {
		var streams = (json.redis && json.redis.streams) || {};
		var rows = (json.tasks || []).map(function (task) {
			var row = el('tr');
			row.setAttribute('data-task', task.task);
			row.appendChild(el('th', task.task)).setAttribute('scope', 'row');
			cell(row, num(task.dispatched), 'num');
			cell(row, num(task.completed), 'num');
			cell(row, num(task.failed), 'num');
			if (json.redis) {
				cell(row, num(task.results), 'num');
			}
			cell(row, num(task.retries), 'num');
			cell(row, millis(task.meanRunTimeMillis), 'num');
			var scheduled = (typeof task.scheduled === 'number') ? task.scheduled
				: (streams[task.task] ? streams[task.task].delayed : undefined);
			cell(row, num(scheduled), 'num');
			return row;
		});
		replaceRows($('tasks').tBodies[0], rows);
	}

	// Redis: nodes, streams, dead letters

	function renderCluster(json) {
		var redis = json.redis;
		$('cluster').hidden = !redis;
		if (!redis) {
			return;
		}
		var nodes = (redis.nodes || []).map(function (node) {
			var row = el('tr');
			var name = el('th', node.id, node.id === redis.node ? 'this-node' : '');
			name.setAttribute('scope', 'row');
			row.appendChild(name);
			cell(row, ago(node.lastSeen));
			cell(row, (node.consuming || []).join(', ') || '–');
			cell(row, num(node.workers), 'num');
			cell(row, num(node.running), 'num');
			return row;
		});
		replaceRows($('nodes').tBodies[0], nodes);
		var streams = redis.streams || {};
		var rows = Object.keys(streams).sort().map(function (task) {
			var stream = streams[task];
			var row = el('tr');
			row.setAttribute('data-task', task);
			row.appendChild(el('th', task)).setAttribute('scope', 'row');
			cell(row, num(stream.length), 'num');
			cell(row, num(stream.pending), 'num');
			cell(row, num(stream.lag), 'num');
			// a due delayed task not moved yet: no consuming node moves it, or the movers cannot keep up
			var late = stream.overdueMillis > 0 ? ' (' + (stream.overdueMillis / 1000).toFixed(1) + ' s late)' : '';
			cell(row, num(stream.delayed) + late, 'num');
			cell(row, num(stream.consumers), 'num');
			var dead = cell(row, '', 'num');
			var button = el('button', num(stream.deadLetters), 'link');
			button.type = 'button';
			button.setAttribute('data-dead-task', task);
			button.setAttribute('aria-label', 'Show the ' + stream.deadLetters + ' dead letters of ' + task);
			button.addEventListener('click', function () {
				openDeadLetters(task);
			});
			dead.appendChild(button);
			return row;
		});
		replaceRows($('streams').tBodies[0], rows);
		var unknown = redis.unknownStreams || [];
		var warning = $('unknown-streams');
		warning.hidden = !unknown.length;
		warning.textContent = unknown.length ? 'Streams no handler of this application knows: ' + unknown.join(', ')
			+ '. Their entries do not run here.' : '';
	}

	function deadLettersUrl(task) {
		return endpoint + '/dead-letters/' + encodeURIComponent(task);
	}

	function openDeadLetters(task) {
		if (state.deadTask !== task) {
			state.selected.clear();
			$('dead-message').textContent = '';
		}
		state.deadTask = task;
		$('dead-task').textContent = task;
		$('dead-letters').hidden = false;
		loadDeadLetters().then(function () {
			$('dead-title').scrollIntoView({ block: 'nearest' });
			var first = document.querySelector('#dead-letters button:not([hidden])');
			if (first) {
				first.focus();
			}
		});
	}

	function closeDeadLetters() {
		var task = state.deadTask;
		state.deadTask = null;
		state.selected.clear();
		$('dead-letters').hidden = true;
		var opener = task && document.querySelector('button[data-dead-task="' + CSS.escape(task) + '"]');
		if (opener) {
			opener.focus();
		}
	}

	function loadDeadLetters() {
		var task = state.deadTask;
		if (!task) {
			return Promise.resolve();
		}
		return request(deadLettersUrl(task)).then(function (letters) {
			if (state.deadTask === task) {
				renderDeadLetters(letters || []);
			}
		}).catch(function (error) {
			$('dead-message').textContent = 'Cannot read the dead letters of ' + task + ': ' + error.message;
		});
	}

	function renderDeadLetters(letters) {
		var ids = new Set(letters.map(function (letter) { return letter.id; }));
		state.selected.forEach(function (id) {
			if (!ids.has(id)) {
				state.selected.delete(id);
			}
		});
		var rows = letters.map(function (letter) {
			var row = el('tr');
			row.setAttribute('data-id', letter.id);
			var pick = cell(row, '', 'pick');
			if (writable) {
				var box = el('input');
				box.type = 'checkbox';
				box.checked = state.selected.has(letter.id);
				box.setAttribute('aria-label', 'Select dead letter ' + letter.id);
				box.addEventListener('change', function () {
					if (box.checked) {
						state.selected.add(letter.id);
					}
					else {
						state.selected.delete(letter.id);
					}
					updateActions(letters.length);
				});
				pick.appendChild(box);
			}
			cell(row, letter.id);
			cell(row, letter.reason, 'reason');
			cell(row, num(letter.deliveries), 'num');
			cell(row, letter.dispatchedAt ? new Date(letter.dispatchedAt).toLocaleString() : '–');
			cell(row, letter.payload === null || letter.payload === undefined ? '–' : letter.payload, 'payload');
			return row;
		});
		if (!rows.length) {
			var empty = el('tr');
			var td = cell(empty, 'No dead letters.');
			td.colSpan = 6;
			rows.push(empty);
		}
		replaceRows($('dead').tBodies[0], rows);
		$('pick-all').hidden = !writable;
		$('pick-all').checked = letters.length > 0 && state.selected.size === letters.length;
		updateActions(letters.length);
	}

	function updateActions(count) {
		['redrive-selected', 'delete-selected', 'redrive-all', 'delete-all'].forEach(function (id) {
			var button = $(id);
			button.hidden = !writable;
			var selected = button.getAttribute('data-scope') === 'selected';
			button.disabled = state.busy || (selected ? state.selected.size === 0 : count === 0);
		});
	}

	function act(action, scope) {
		var task = state.deadTask;
		if (!task || !writable || state.busy) {
			return;
		}
		var body = { action: action };
		if (scope === 'selected') {
			if (!state.selected.size) {
				return;
			}
			// Actuator reads a request body as a map of strings: the ids go as one comma-separated string
			body.ids = Array.from(state.selected).join(',');
		}
		state.busy = true;
		updateActions(1);
		$('dead-message').textContent = (action === 'redrive' ? 'Redriving' : 'Deleting') + '…';
		request(deadLettersUrl(task), {
			method: 'POST',
			headers: csrfHeaders({ 'Content-Type': 'application/json' }),
			body: JSON.stringify(body)
		}).then(function (result) {
			state.selected.clear();
			$('dead-message').textContent = (action === 'redrive' ? 'Redrove ' : 'Deleted ') + result.count
				+ ' dead letter' + (result.count === 1 ? '' : 's') + ' of ' + task + '.';
		}).catch(function (error) {
			$('dead-message').textContent = 'The ' + action + ' failed: ' + error.message;
		}).then(function () {
			state.busy = false;
			return Promise.all([loadDeadLetters(), refresh()]);
		});
	}

	// The loop

	function refresh() {
		return request(endpoint).then(function (json) {
			state.last = json;
			showError('');
			document.body.classList.toggle('redis', !!json.redis);
			renderOverview(json);
			renderChart(json.throughput, !!json.redis);
			renderTasks(json);
			renderCluster(json);
		}).catch(function (error) {
			var badge = $('state');
			badge.textContent = 'offline';
			badge.className = 'badge offline';
			showError('Cannot read ' + endpoint + ': ' + error.message);
		});
	}

	function loop() {
		Promise.all([refresh(), loadDeadLetters()]).then(function () {
			window.setTimeout(loop, REFRESH_MS);
		});
	}

	function start() {
		document.querySelectorAll('#dead-letters button[data-action]').forEach(function (button) {
			button.addEventListener('click', function () {
				act(button.getAttribute('data-action'), button.getAttribute('data-scope'));
			});
		});
		$('close-dead').addEventListener('click', closeDeadLetters);
		$('pick-all').addEventListener('change', function (event) {
			var checked = event.target.checked;
			document.querySelectorAll('#dead tbody tr[data-id]').forEach(function (row) {
				var id = row.getAttribute('data-id');
				var box = row.querySelector('input[type="checkbox"]');
				if (box) {
					box.checked = checked;
				}
				if (checked) {
					state.selected.add(id);
				}
				else {
					state.selected.delete(id);
				}
			});
			updateActions(document.querySelectorAll('#dead tbody tr[data-id]').length);
		});
		document.addEventListener('keydown', function (event) {
			if (event.key === 'Escape' && state.deadTask) {
				closeDeadLetters();
			}
		});
		window.addEventListener('resize', function () {
			if (state.last) {
				renderChart(state.last.throughput, !!state.last.redis);
			}
		});
		loop();
	}

	if (document.readyState === 'loading') {
		document.addEventListener('DOMContentLoaded', start);
	}
	else {
		start();
	}
})();
