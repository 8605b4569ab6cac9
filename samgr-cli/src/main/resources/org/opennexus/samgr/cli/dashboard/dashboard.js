// The samgr dashboard: the table follows the registry through Server-Sent Events (no polling).
// Everything from the registry (names, endpoints) reaches the page only as textContent.
'use strict';
(function () {
  const MAX_EVENTS = 200;
  const services = new Map(); // name -> { name, endpoint, generation, alive, lastHeartbeat, row, cells }
  let registryNow = 0; // the registry clock's time (ms) at the last message
  // After a reconnection: the generation of each service the table showed before it. The new
  // stream starts with 'registered' for every current service; those already shown are the same
  // state, not events, so they do not go into the history again.
  let shownBefore = new Map();
  const table = document.querySelector('#services tbody');
  const history = document.querySelector('#events tbody');
  const filter = document.getElementById('filter');
  const status = document.getElementById('status');
  const count = document.getElementById('count');
  const empty = document.getElementById('empty');

  function cell(row, className) {
    const td = document.createElement('td');
    td.className = className;
    row.appendChild(td);
    return td;
  }

  function visible(name) {
    const wanted = filter.value.trim().toLowerCase();
    return wanted === '' || name.toLowerCase().includes(wanted);
  }

  function ago(ms) {
    const s = Math.floor(Math.max(0, ms) / 1000);
    if (s === 0) return 'just now';
    if (s < 60) return s + 's ago';
    if (s < 3600) return Math.floor(s / 60) + 'm ' + (s % 60) + 's ago';
    if (s < 86400) return Math.floor(s / 3600) + 'h ' + Math.floor((s % 3600) / 60) + 'm ago';
    return Math.floor(s / 86400) + 'd ago';
  }

  function render(s) {
    s.cells.endpoint.textContent = s.endpoint;
    s.cells.generation.textContent = String(s.generation);
    const since = typeof s.lastHeartbeat === 'number' && registryNow > 0
      ? ' · last heartbeat ' + ago(registryNow - s.lastHeartbeat) : '';
    s.cells.liveness.textContent = (s.alive ? 'alive' : 'expired') + since;
    s.cells.liveness.classList.toggle('alive', s.alive);
    s.row.classList.toggle('expired', !s.alive);
    s.row.dataset.alive = String(s.alive);
    s.row.hidden = !visible(s.name);
  }

  function summary() {
    count.textContent = String(services.size);
    empty.hidden = services.size > 0;
  }

  function upsert(msg) {
    let s = services.get(msg.name);
    if (!s) {
      const row = document.createElement('tr');
      const cells = {
        name: cell(row, 'name'), endpoint: cell(row, 'endpoint'),
        generation: cell(row, 'generation'), liveness: cell(row, 'liveness'),
      };
      cells.name.textContent = msg.name;
      s = { name: msg.name, row: row, cells: cells, alive: true };
      services.set(msg.name, s);
      let before = null;
      for (const other of table.children) {
        if (other.firstChild.textContent > msg.name) { before = other; break; }
      }
      table.insertBefore(row, before);
    } else if (s.generation !== msg.generation) {
      s.row.classList.add('changed');
    }
    s.endpoint = msg.endpoint;
    s.generation = msg.generation;
    if (typeof msg.alive === 'boolean') s.alive = msg.alive;
    if (typeof msg.lastHeartbeat === 'number') s.lastHeartbeat = msg.lastHeartbeat;
    render(s);
  }

  function record(msg) {
    const row = document.createElement('tr');
    row.dataset.name = msg.name;
    cell(row, 'seen').textContent = msg.at.replace('T', ' ').replace('Z', '').slice(0, 23);
    cell(row, 'kind').textContent = msg.event;
    cell(row, 'name').textContent = msg.name;
    cell(row, 'generation').textContent = String(msg.generation);
    cell(row, 'endpoint').textContent = msg.endpoint;
    row.hidden = !visible(msg.name);
    history.insertBefore(row, history.firstChild);
    while (history.children.length > MAX_EVENTS) history.removeChild(history.lastChild);
  }

  function onRegistry(msg) {
    registryNow = msg.now;
    const replay = msg.event === 'registered' && shownBefore.get(msg.name) === msg.generation;
    shownBefore.delete(msg.name);
    if (!replay) record(msg);
    if (msg.event === 'unregistered') {
      const s = services.get(msg.name);
      if (s) { s.row.remove(); services.delete(msg.name); }
    } else {
      // The server adds the service's liveness as read when it sent the event.
      if (msg.event === 'expired') msg.alive = false;
      else if (typeof msg.alive !== 'boolean') msg.alive = true;
      upsert(msg);
    }
    summary();
  }

  function onLiveness(msg) {
    registryNow = msg.now;
    for (const sample of msg.services) {
      const s = services.get(sample.name);
      if (s && s.generation === sample.generation) {
        s.alive = sample.alive;
        s.lastHeartbeat = sample.lastHeartbeat;
      }
    }
    services.forEach(render);
  }

  function setStatus(state, text) {
    status.dataset.state = state;
    status.textContent = text;
  }

  filter.addEventListener('input', function () {
    services.forEach(render);
    for (const row of history.children) row.hidden = !visible(row.dataset.name);
  });

  const source = new EventSource('events');
  source.addEventListener('hello', function (e) {
    // A new stream starts with 'registered' for every current service: start the table afresh.
    shownBefore = new Map();
    services.forEach(function (s) { shownBefore.set(s.name, s.generation); });
    services.clear();
    table.replaceChildren();
    registryNow = JSON.parse(e.data).now;
    summary();
    setStatus('live', 'live');
  });
  source.addEventListener('registry', function (e) { onRegistry(JSON.parse(e.data)); });
  source.addEventListener('liveness', function (e) { onLiveness(JSON.parse(e.data)); });
  source.addEventListener('behind', function () {
    setStatus('down', 'fell behind the registry, reconnecting…');
  });
  source.addEventListener('failure', function (e) {
    setStatus('down', 'registry error: ' + JSON.parse(e.data).message);
  });
  source.onerror = function () { setStatus('down', 'disconnected, retrying…'); };
  summary();
}());
