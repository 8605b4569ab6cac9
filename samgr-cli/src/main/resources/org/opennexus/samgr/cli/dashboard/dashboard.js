// The samgr dashboard: the page follows the registry through Server-Sent Events (no polling).
// Everything from the registry (names, endpoints) reaches the page only as textContent or title.
// The table shows one page of rows at a time, so that 20,000 services cost 50 rows of DOM.
'use strict';
(function () {
  const MAX_EVENTS = 200;
  const PAGE_ROWS = 50;
  const services = new Map(); // name -> { name, endpoint, generation, alive, lastHeartbeat, changed }
  let sorted = null; // the names in order, or null when a service came or went since
  let registryNow = 0; // the registry clock's time (ms) at the last message
  let refreshMillis = 1000;
  let page = 0;
  let streamOpen = false;
  let lastMessage = 0; // performance.now() when the last tick arrived
  let registry = { state: 'ok' }; // what the server last said about the registry
  // After a reconnection: the generation of each service the table showed before it; the new
  // stream's first events are compared with it, so that what changed while the page was away goes
  // into the history (once), and what did not is not repeated. Null on the first load: the
  // services present then did nothing the page saw, so they are no history rows.
  let shownBefore = null;
  let renderPending = false;
  let connectedBefore = false;
  const table = document.querySelector('#services tbody');
  const history = document.querySelector('#events tbody');
  const filter = document.getElementById('filter');
  const health = document.getElementById('health');
  const status = document.getElementById('status');
  const servicesTable = document.getElementById('services');
  const count = document.getElementById('count');
  const empty = document.getElementById('empty');
  const rows = document.getElementById('rows');
  const prev = document.getElementById('prev');
  const next = document.getElementById('next');

  function text(td, value) {
    td.textContent = value;
    td.title = value; // the whole value on hover, when the cell shows it cut
  }

  function cell(row, className) {
    const td = document.createElement('td');
    td.className = className;
    row.appendChild(td);
    return td;
  }

  function nameMatches(name) {
    const wanted = filter.value.trim().toLowerCase();
    return wanted === '' || name.toLowerCase().includes(wanted);
  }

  function matches(s) {
    const want = health.value;
    return nameMatches(s.name) && (want === 'all' || (want === 'alive') === s.alive);
  }

  function ago(ms) {
    const s = Math.floor(Math.max(0, ms) / 1000);
    if (s === 0) return 'just now';
    if (s < 60) return s + 's ago';
    if (s < 3600) return Math.floor(s / 60) + 'm ' + (s % 60) + 's ago';
    if (s < 86400) return Math.floor(s / 3600) + 'h ' + Math.floor((s % 3600) / 60) + 'm ago';
    return Math.floor(s / 86400) + 'd ago';
  }

  function pad(n, width) { return String(n).padStart(width || 2, '0'); }

  // A moment in this browser's time zone, with the zone's offset: 2026-11-27 13:00:05 +01:00.
  function local(iso) {
    const d = new Date(iso);
    const offset = -d.getTimezoneOffset();
    const sign = offset < 0 ? '-' : '+';
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' '
      + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()) + ' '
      + sign + pad(Math.floor(Math.abs(offset) / 60)) + ':' + pad(Math.abs(offset) % 60);
  }

  function liveness(s) {
    const since = typeof s.lastHeartbeat === 'number' && registryNow > 0
      ? ' · last heartbeat ' + ago(registryNow - s.lastHeartbeat) : '';
    return (s.alive ? 'alive' : 'expired') + since;
  }

  // Draws the counts and the current page of rows; at most a few times a second.
  function render() {
    renderPending = false;
    if (sorted === null) sorted = Array.from(services.keys()).sort();
    let alive = 0;
    const shown = [];
    for (const name of sorted) {
      const s = services.get(name);
      if (s.alive) alive++;
      if (matches(s)) shown.push(s);
    }
    document.getElementById('total').textContent = String(services.size);
    document.getElementById('alive-count').textContent = String(alive);
    document.getElementById('expired-count').textContent = String(services.size - alive);
    count.textContent = String(shown.length);
    empty.hidden = services.size > 0;
    const pages = Math.max(1, Math.ceil(shown.length / PAGE_ROWS));
    page = Math.min(page, pages - 1);
    const first = page * PAGE_ROWS;
    const slice = shown.slice(first, first + PAGE_ROWS);
    while (table.children.length > slice.length) table.removeChild(table.lastChild);
    while (table.children.length < slice.length) {
      const row = document.createElement('tr');
      cell(row, 'name'); cell(row, 'endpoint'); cell(row, 'generation'); cell(row, 'liveness');
      table.appendChild(row);
    }
    slice.forEach(function (s, i) {
      const row = table.children[i];
      const c = row.children;
      text(c[0], s.name);
      text(c[1], s.endpoint);
      text(c[2], String(s.generation));
      text(c[3], liveness(s));
      c[3].classList.toggle('alive', s.alive);
      row.classList.toggle('expired', !s.alive);
      row.classList.toggle('changed', s.changed === true);
      row.dataset.alive = String(s.alive);
    });
    rows.textContent = shown.length === 0 ? ''
      : 'rows ' + (first + 1) + '–' + (first + slice.length) + ' of ' + shown.length;
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
    document.getElementById('pager').hidden = pages < 2;
  }

  function scheduleRender() {
    if (!renderPending) {
      renderPending = true;
      setTimeout(render, 50);
    }
  }

  function upsert(msg) {
    let s = services.get(msg.name);
    if (!s) {
      s = { name: msg.name, alive: true };
      services.set(msg.name, s);
      sorted = null;
    } else if (s.generation !== msg.generation) {
      s.changed = true;
    }
    s.endpoint = msg.endpoint;
    s.generation = msg.generation;
    if (typeof msg.alive === 'boolean') s.alive = msg.alive;
    if (typeof msg.lastHeartbeat === 'number') s.lastHeartbeat = msg.lastHeartbeat;
  }

  function record(msg, kind, catchUp) {
    const row = document.createElement('tr');
    row.dataset.name = msg.name;
    if (catchUp) {
      row.className = 'catch-up';
      row.title = 'noticed when the dashboard reconnected';
    }
    const seen = cell(row, 'seen');
    seen.textContent = local(msg.at);
    seen.title = msg.at;
    text(cell(row, 'kind'), kind);
    text(cell(row, 'name'), msg.name);
    text(cell(row, 'generation'), String(msg.generation));
    text(cell(row, 'endpoint'), msg.endpoint);
    row.hidden = !nameMatches(msg.name);
    history.insertBefore(row, history.firstChild);
    while (history.children.length > MAX_EVENTS) history.removeChild(history.lastChild);
  }

  function onRegistry(msg) {
    registryNow = msg.now;
    if (msg.initial === true) {
      // the registry's state when the stream started, not an event
      if (shownBefore !== null) {
        const before = shownBefore.get(msg.name);
        if (before === undefined) record(msg, 'registered', true);
        else if (before !== msg.generation) record(msg, 'restarted', true);
      }
    } else {
      record(msg, msg.event, false);
    }
    if (shownBefore !== null) shownBefore.delete(msg.name);
    if (msg.event === 'unregistered') {
      if (services.delete(msg.name)) sorted = null;
    } else {
      // The server adds the service's liveness as read when it sent the event.
      if (msg.event === 'expired') msg.alive = false;
      else if (typeof msg.alive !== 'boolean') msg.alive = true;
      upsert(msg);
    }
    scheduleRender();
  }

  function onLiveness(msg) {
    registryNow = msg.now;
    registry = msg.registry || { state: 'ok' };
    lastMessage = performance.now();
    for (const sample of msg.changed) {
      const s = services.get(sample.name);
      if (s && s.generation === sample.generation) {
        s.alive = sample.alive;
        s.lastHeartbeat = sample.lastHeartbeat;
      }
    }
    showStatus();
    scheduleRender();
  }

  function setStatus(state, text) {
    status.dataset.state = state;
    status.textContent = text;
    // while down, the table is what the registry's client last knew: shown as such
    servicesTable.classList.toggle('unconfirmed', state === 'down');
    servicesTable.title = state === 'down' ? 'as last known: ' + text : '';
  }

  // 'live' only while the stream is open, the registry answers, and updates keep coming.
  function showStatus() {
    if (!streamOpen) return;
    const quiet = performance.now() - lastMessage;
    if (registry.state !== 'ok') {
      setStatus('down', 'registry unavailable: ' + (registry.message || 'no answer'));
    } else if (registry.connected === false) {
      setStatus('down', 'disconnected from the registry'
        + (typeof registry.lastHeardMillis === 'number'
          ? ', last heard ' + ago(registryNow - registry.lastHeardMillis) : ''));
    } else if (quiet > 3 * refreshMillis + 2000) {
      setStatus('stale', 'no update for ' + ago(quiet).replace(' ago', ''));
    } else {
      setStatus('live', 'live');
    }
  }

  function refilter() {
    page = 0;
    render();
    for (const row of history.children) row.hidden = !nameMatches(row.dataset.name);
  }

  filter.addEventListener('input', refilter);
  health.addEventListener('change', refilter);
  prev.addEventListener('click', function () { page = Math.max(0, page - 1); render(); });
  next.addEventListener('click', function () { page++; render(); });
  setInterval(showStatus, 1000);

  function connect() {
    const source = new EventSource('events');
    source.addEventListener('hello', function (e) {
      // A new stream starts with the registry's state: start the table afresh.
      const hello = JSON.parse(e.data);
      if (connectedBefore) {
        shownBefore = new Map();
        services.forEach(function (s) { shownBefore.set(s.name, s.generation); });
      }
      connectedBefore = true;
      services.clear();
      sorted = null;
      registryNow = hello.now;
      refreshMillis = hello.refreshMillis;
      lastMessage = performance.now();
      streamOpen = true;
      registry = { state: 'ok' };
      scheduleRender();
      setStatus('live', 'live');
    });
    source.addEventListener('registry', function (e) { onRegistry(JSON.parse(e.data)); });
    source.addEventListener('liveness', function (e) { onLiveness(JSON.parse(e.data)); });
    source.addEventListener('behind', function () {
      streamOpen = false;
      setStatus('down', 'fell behind the registry, reconnecting…');
    });
    source.addEventListener('failure', function (e) {
      streamOpen = false;
      setStatus('down', 'registry error: ' + JSON.parse(e.data).message);
    });
    source.onerror = function () {
      streamOpen = false;
      setStatus('down', 'disconnected, retrying…');
      if (source.readyState === EventSource.CLOSED) {
        // refused (a status other than 200): EventSource gives up, so try again later;
        // a stream the server ended (CONNECTING) is reconnected by EventSource itself
        setTimeout(connect, 5000);
      }
    };
  }

  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.getElementById('zone').textContent =
    '(times in ' + (zone || 'this browser\'s time zone') + ')';
  render();
  connect();
}());
