// The operator page: live values with limit colours, alarms, commands, events and plots, all
// from the web API (docs/web.md). No build step: plain JavaScript and the vendored uPlot.
"use strict";

const RED_SEVERITIES = new Set(["distress", "critical", "severe"]);
const SEVERITY_RANK = { watch: 1, warning: 2, distress: 3, critical: 4, severe: 5 };
const RULES_EVERY_MS = 60000; // bands (a mode change moves them) are read again; states come live
const STATUS_EVERY_MS = 1000; // the ground's clock and link are read again
const DRAW_EVERY_MS = 250; // values are redrawn at most this often, whatever the feed's rate
const PLOT_POINTS = 600; // samples a plot's history is cut to
const KEPT_ROWS = 50; // events and commands shown
const ECLIPSE = "navigation.in_eclipse"; // its history shades the plots

const state = {
  key: null, me: null, flight: null, epochUnixS: 0, timeS: null,
  params: new Map(),   // "subsystem.name" -> {spec, cell, row, value, timeS}
  rules: [],           // the ground's rules, their states and bands
  commands: new Map(), // id -> command record
  plots: new Map(),    // "subsystem.name" -> {chart, times, values}
  eclipses: [],        // [start_s, end_s|null] from navigation.in_eclipse
  eclipsesLoaded: false,
  dirty: new Set(), feed: { position: null, epoch: null },
};
// What the page has taken from the live feed, for whoever measures it (bench/web_page.py).
window.feedStats = { events: 0, parameters: 0, batches: 0 };

// -- the API ----------------------------------------------------------------------------------

class Problem extends Error {}

async function api(method, path, body) {
  const headers = {};
  if (state.key) headers["Authorization"] = `Bearer ${state.key}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : {};
  if (!response.ok) {
    const problem = new Problem(json.detail || `${response.status} ${response.statusText}`);
    problem.status = response.status;
    problem.reason = json.reason;
    throw problem;
  }
  return json;
}

// -- times and values -------------------------------------------------------------------------

function met(timeS) {
  if (timeS === null || timeS === undefined) return "--";
  const whole = Math.floor(timeS);
  const days = Math.floor(whole / 86400);
  const clock = new Date((whole % 86400) * 1000).toISOString().slice(11, 19);
  return `${days}d ${clock}`;
}

function utc(timeS) {
  if (timeS === null || timeS === undefined) return "--";
  return new Date((state.epochUnixS + timeS) * 1000).toISOString().replace("T", " ").slice(0, 19);
}

function shown(value) {
  if (value === null || value === undefined) return "--";
  if (typeof value === "number") {
    if (Number.isInteger(value)) return String(value);
    const magnitude = Math.abs(value);
    return magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e6)
      ? value.toExponential(3) : value.toFixed(magnitude < 10 ? 3 : 1);
  }
  return String(value);
}

function element(tag, attributes = {}, ...children) {
  const made = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "class") made.className = value;
    else if (name.startsWith("on")) made.addEventListener(name.slice(2), value);
    else made.setAttribute(name, value);
  }
  for (const child of children) made.append(child);
  return made;
}

// -- start ------------------------------------------------------------------------------------

async function start() {
  // `#key=KEY`: a fragment never leaves the browser (no server, proxy or log sees it)
  const asked = new URLSearchParams(location.hash.slice(1)).get("key");
  if (asked) {
    sessionStorage.setItem("operatorKey", asked);
    history.replaceState(null, "", location.pathname); // and it stays out of the history
  }
  state.key = sessionStorage.getItem("operatorKey");
  try {
    state.me = await api("GET", "/api/me");
  } catch (problem) {
    if (problem.status === 401) return askForKey(problem.message);
    throw problem;
  }
  document.getElementById("me").textContent = state.me.open
    ? "open ground (no keys)" : `${state.me.name} (${state.me.role})`;
  const reply = await api("GET", "/api/dictionary");
  state.flight = reply.dictionary;
  state.epochUnixS = state.flight.epoch_unix_s;
  document.getElementById("mission").textContent = state.flight.mission;
  document.title = `${state.flight.mission}: mission control`;
  buildPanels();
  buildCommandForm();
  await Promise.all([loadValues(), loadRules(), loadAlarms(), loadCommands(), loadEvents(),
    loadEclipses()]);
  await loadStatus();
  connectFeed();
  setInterval(loadStatus, STATUS_EVERY_MS);
  setInterval(loadRules, RULES_EVERY_MS);
  setInterval(draw, DRAW_EVERY_MS);
  draw();
  document.body.dataset.ready = "true"; // for whoever waits on the page (tests, screenshots)
}

// The ground's mission time (which moves between reports) and its link.
async function loadStatus() {
  try {
    const status = (await api("GET", "/api/status")).status;
    state.timeS = status.time_s;
    showLink(status.channel.signal);
  } catch (problem) {
    const link = document.getElementById("link");
    link.textContent = `ground: ${problem.message}`;
    link.className = "link down";
  }
}

function askForKey(why) {
  const form = document.getElementById("key-form");
  form.hidden = false;
  document.getElementById("key-problem").textContent = why;
  form.onsubmit = (event) => {
    event.preventDefault();
    sessionStorage.setItem("operatorKey", document.getElementById("key").value.trim());
    location.reload();
  };
}

// -- subsystem panels -------------------------------------------------------------------------

function buildPanels() {
  const panels = document.getElementById("panels");
  for (const subsystem of state.flight.subsystems) {
    if (!subsystem.telemetry.length) continue;
    const body = element("tbody");
    for (const spec of subsystem.telemetry) {
      const full = `${subsystem.name}.${spec.name}`;
      const cell = element("td", { class: "value", "data-parameter": full }, "--");
      const row = element("tr", { title: spec.description, onclick: () => togglePlot(full) },
        element("td", { class: "name" }, spec.name), cell, element("td", { class: "unit" }, spec.unit));
      body.append(row);
      state.params.set(full, { spec, subsystem: subsystem.name, cell, row, value: null, timeS: null });
    }
    panels.append(element("div", { class: "panel", "data-subsystem": subsystem.name },
      element("h2", {}, subsystem.name), element("table", {}, body)));
  }
}

async function loadValues() {
  for (const subsystem of state.flight.subsystems) {
    if (!subsystem.telemetry.length) continue;
    const summary = await api("GET", `/api/subsystems/${subsystem.name}`);
    for (const parameter of summary.parameters) {
      take(`${subsystem.name}.${parameter.name}`, parameter.time_s, parameter.value);
    }
  }
}

function take(full, timeS, value) {
  const param = state.params.get(full);
  if (!param || timeS === null) return;
  param.value = value;
  param.timeS = timeS;
  state.dirty.add(full);
  const plot = state.plots.get(full);
  if (plot && typeof value !== "string") {
    plot.times.push(timeS);
    plot.values.push(value === null ? null : Number(value));
    plot.stale = true;
  }
  if (full === ECLIPSE && state.eclipsesLoaded) noteEclipse(timeS, value);
}

// The worst state of the rules on each parameter, as the ground judges them.
function ruleClass(full) {
  let worst = null;
  for (const rule of state.rules) {
    if (rule.parameter !== full || rule.state === "GREEN") continue;
    const colour = rule.state === "STALE" ? "stale"
      : rule.state.startsWith("RED") ? "red"
      : rule.state.startsWith("YELLOW") ? "yellow"
      : RED_SEVERITIES.has(rule.severity) ? "red" : "yellow";
    const order = { stale: 1, yellow: 2, red: 3 };
    if (!worst || order[colour] > order[worst]) worst = colour;
  }
  const watched = state.rules.some((rule) => rule.parameter === full);
  return worst || (watched ? "green" : "");
}

function draw() {
  document.getElementById("met").textContent = met(state.timeS);
  document.getElementById("utc").textContent = utc(state.timeS);
  for (const full of state.params.keys()) {
    const param = state.params.get(full);
    const colour = ruleClass(full);
    const text = shown(param.value);
    if (param.cell.textContent !== text) param.cell.textContent = text;
    const wanted = `value ${colour}`.trim();
    if (param.cell.className !== wanted) param.cell.className = wanted;
  }
  state.dirty.clear();
  for (const [full, plot] of state.plots) if (plot.stale) redrawPlot(full, plot);
}

async function loadRules() {
  try {
    state.rules = (await api("GET", "/api/rules")).rules;
  } catch (problem) {
    return; // the next look will tell; the feed says when the ground is gone
  }
  for (const [full, plot] of state.plots) plot.chart.redraw(false, false);
}

// -- alarms -----------------------------------------------------------------------------------

async function loadAlarms() {
  const alarms = (await api("GET", "/api/alarms")).alarms;
  const body = document.querySelector("#alarms tbody");
  body.replaceChildren();
  for (const alarm of alarms) {
    const actions = element("td", { class: "actions" });
    if (!alarm.acknowledged) {
      actions.append(element("button", { onclick: () => alarmAction(alarm.name, "acknowledge", {}) }, "Ack"));
    }
    actions.append(element("button", { onclick: () => shelve(alarm.name) }, "Shelve"));
    body.append(element("tr", { class: `sev-${alarm.severity}`, "data-alarm": alarm.name },
      element("td", {}, alarm.name),
      element("td", {}, `${alarm.severity} ${alarm.state.toLowerCase().replace("_", " ")}`),
      element("td", {}, `${alarm.condition} (${shown(alarm.current_value)})`),
      actions));
  }
  const banner = document.getElementById("banner");
  const open = alarms.filter((alarm) => !alarm.acknowledged);
  if (!alarms.length) {
    banner.className = "banner ok";
    banner.textContent = "no alarms";
    return;
  }
  const worst = alarms.reduce((a, b) => (SEVERITY_RANK[b.severity] > SEVERITY_RANK[a.severity] ? b : a));
  banner.className = `banner ${RED_SEVERITIES.has(worst.severity) ? "red" : "yellow"}`;
  banner.textContent = `${alarms.length} alarm${alarms.length > 1 ? "s" : ""} ` +
    `(${open.length} unacknowledged): worst ${worst.name} [${worst.severity}] ${worst.condition}`;
}

async function alarmAction(name, action, body) {
  try {
    await api("POST", `/api/alarms/${encodeURIComponent(name)}/${action}`, body);
  } catch (problem) {
    alert(problem.message);
  }
  await loadAlarms();
}

function shelve(name) {
  const minutes = prompt(`Shelve ${name} for how many mission minutes?`, "60");
  if (minutes === null) return;
  alarmAction(name, "shelve", { duration_s: Number(minutes) * 60 });
}

// -- commands ---------------------------------------------------------------------------------

function buildCommandForm() {
  const select = document.getElementById("command-name");
  for (const subsystem of state.flight.subsystems) {
    if (!subsystem.commands.length) continue;
    const group = element("optgroup", { label: subsystem.name });
    for (const command of subsystem.commands) {
      group.append(element("option", { value: `${subsystem.name}.${command.name}` }, command.name));
    }
    select.append(group);
  }
  select.onchange = showArguments;
  showArguments();
  document.getElementById("command-form").onsubmit = sendCommand;
  if (state.me.role === "observer") {
    document.getElementById("command-send").title = "an observer may not command";
  }
}

function commandSpec(full) {
  const [subsystem, name] = full.split(".");
  const found = state.flight.subsystems.find((s) => s.name === subsystem);
  return found && found.commands.find((c) => c.name === name);
}

function showArguments() {
  const spec = commandSpec(document.getElementById("command-name").value);
  const args = document.getElementById("command-args");
  args.replaceChildren();
  if (!spec) return;
  document.getElementById("command-help").textContent =
    spec.description + (spec.hazardous ? " (hazardous: asks for confirmation)" : "");
  for (const arg of spec.args) {
    let input;
    if (arg.choices.length) {
      input = element("select", {});
      for (const choice of arg.choices) input.append(element("option", { value: choice }, choice));
    } else if (arg.kind === "bool") {
      input = element("input", { type: "checkbox" });
    } else if (arg.kind === "float" || arg.kind === "int") {
      input = element("input", { type: "number", step: arg.kind === "int" ? "1" : "any" });
      if (arg.minimum !== null) input.min = arg.minimum;
      if (arg.maximum !== null) input.max = arg.maximum;
    } else {
      input = element("input", { type: "text" });
    }
    input.name = arg.name;
    input.dataset.kind = arg.kind;
    if (arg.default !== null) {
      if (arg.kind === "bool") input.checked = arg.default; else input.value = arg.default;
    }
    const range = arg.minimum !== null || arg.maximum !== null
      ? ` ${shown(arg.minimum ?? -Infinity)} .. ${shown(arg.maximum ?? Infinity)}` : "";
    args.append(element("label", { title: arg.description },
      `${arg.name} `, input, element("span", { class: "help" }, ` ${arg.unit}${range}`)));
  }
}

async function sendCommand(event) {
  event.preventDefault();
  const name = document.getElementById("command-name").value;
  const spec = commandSpec(name);
  const problem = document.getElementById("command-problem");
  problem.textContent = "";
  const args = {};
  for (const input of document.querySelectorAll("#command-args [name]")) {
    const kind = input.dataset.kind;
    if (kind === "bool") args[input.name] = input.checked;
    else if (input.value === "") continue;
    else if (kind === "float") args[input.name] = Number(input.value);
    else if (kind === "int") args[input.name] = parseInt(input.value, 10);
    else args[input.name] = input.value;
  }
  const body = { name, args, source: "web" };
  const release = document.getElementById("command-release").value;
  if (release !== "") body.release_s = Number(release);
  if (spec && spec.hazardous) {
    if (!confirm(`${name} is hazardous. Send it?`)) return;
    body.confirm = true;
  }
  try {
    const reply = await api("POST", "/api/commands", body);
    showCommand(reply.command);
  } catch (refusal) {
    problem.textContent = refusal.message;
  }
}

async function loadCommands() {
  const commands = (await api("GET", "/api/commands")).commands;
  for (const command of commands.slice(-KEPT_ROWS)) showCommand(command);
}

function showCommand(command) {
  state.commands.set(command.id, command);
  let row = document.querySelector(`#commands tr[data-command="${command.id}"]`);
  const stages = Object.entries(command.stages)
    .sort((a, b) => a[1] - b[1]).map(([stage, timeS]) => `${stage} ${met(timeS)}`).join(" · ");
  const cells = [
    element("td", {}, `#${command.id}`),
    element("td", {}, command.name, element("div", { class: "stages" }, stages)),
    element("td", { class: `status status-${command.status}` },
      command.status + (command.reason ? `: ${command.reason}` : "")),
    element("td", { class: "help" }, command.operator),
  ];
  if (!row) {
    row = element("tr", { "data-command": String(command.id) });
    document.querySelector("#commands tbody").prepend(row);
  }
  row.replaceChildren(...cells);
  const rows = document.querySelectorAll("#commands tr");
  if (rows.length > KEPT_ROWS) rows[rows.length - 1].remove();
  for (const plot of state.plots.values()) plot.chart.redraw(false, false);
}

// -- events -----------------------------------------------------------------------------------

async function loadEvents() {
  const events = (await api("GET", "/api/events")).events;
  for (const event of events.slice(-KEPT_ROWS)) showEvent(event);
}

function showEvent(event) {
  const severity = ["", "info", "low", "medium", "high"][event.severity] || event.severity;
  const row = element("tr", { class: event.severity >= 3 ? "sev-critical" : event.severity === 2 ? "sev-warning" : "" },
    element("td", {}, met(event.time_s)),
    element("td", {}, `${event.subsystem}.${event.name}`),
    element("td", {}, `${severity}: ${event.message}`));
  const body = document.querySelector("#events tbody");
  body.prepend(row);
  if (body.children.length > KEPT_ROWS) body.lastChild.remove();
}

// -- the live feed ----------------------------------------------------------------------------

function connectFeed() {
  const query = new URLSearchParams();
  if (state.key) query.set("key", state.key);
  if (state.feed.position !== null) {
    query.set("after", state.feed.position);
    query.set("epoch", state.feed.epoch);
  }
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/api/feed?${query}`);
  const link = document.getElementById("link");
  socket.onmessage = async (message) => {
    const batch = JSON.parse(typeof message.data === "string" ? message.data : await message.data.text());
    state.feed.position = batch.position;
    state.feed.epoch = batch.epoch;
    let alarms = false;
    for (const event of batch.events) alarms = handle(event) || alarms;
    window.feedStats.events += batch.events.length;
    window.feedStats.batches += 1;
    if (alarms) loadAlarms();
    if (batch.missed) {
      // Events were lost while away: read again what they would have changed.
      loadAlarms();
      loadRules();
      loadValues();
    }
  };
  socket.onclose = (closed) => {
    link.textContent = closed.reason ? `no live feed: ${closed.reason}` : "no live feed: reconnecting";
    link.className = "link down";
    if (closed.code !== 1008) setTimeout(connectFeed, 2000); // 1008: refused; a retry would be too
  };
}

function showLink(up) {
  const link = document.getElementById("link");
  link.textContent = up ? "signal: in contact" : "signal: none";
  link.className = `link ${up ? "up" : "down"}`;
}

// Take one feed event; true when the alarms have changed.
function handle(event) {
  switch (event.topic) {
    case "tm":
      for (const [name, value] of Object.entries(event.params)) {
        take(`${event.subsystem}.${name}`, event.time_s, value);
        window.feedStats.parameters += 1;
      }
      return false;
    case "limits": {
      // A rule's new state colours its parameter at once; /api/rules is read again now and
      // then for what else may move (a mode's bands).
      const rule = state.rules.find((known) => known.name === event.rule);
      if (rule) rule.state = event.state;
      return false;
    }
    case "alarm":
      return true;
    case "command":
      showCommand(event.command);
      return false;
    case "event":
      showEvent(event.event);
      return false;
    case "link":
      showLink(event.change === "aos");
      return false;
    default:
      return false;
  }
}

// -- plots ------------------------------------------------------------------------------------

async function togglePlot(full) {
  const param = state.params.get(full);
  if (state.plots.has(full)) {
    const plot = state.plots.get(full);
    plot.chart.destroy();
    plot.box.remove();
    state.plots.delete(full);
    param.row.classList.remove("plotted");
    return;
  }
  if (param.spec.kind === "str") return; // text is not plotted
  param.row.classList.add("plotted");
  const history = await api("GET",
    `/api/parameters/${full}/history?points=${PLOT_POINTS}`);
  const times = history.samples.map((sample) => sample[0]);
  const values = history.samples.map((sample) => (sample[1] === null ? null : Number(sample[1])));
  const box = element("div", { class: "plot", "data-plot": full });
  document.getElementById("plots").append(box);
  const unit = param.spec.unit;
  const chart = new uPlot({
    width: Math.max(400, document.getElementById("plots").clientWidth - 20),
    height: 220,
    title: `${full}${unit ? ` [${unit}]` : ""}`,
    scales: { x: { time: false } },
    axes: [{ label: "mission time", space: 110, values: (u, ticks) => ticks.map((t) => met(t)) },
      { label: unit }],
    series: [{ label: "mission time", value: (u, t) => met(t) },
      { label: param.spec.name, stroke: "#4a90d9", width: 1.5 }],
    hooks: { draw: [(u) => decorate(u, full)] },
  }, [times, values], box);
  state.plots.set(full, { chart, box, times, values, stale: false });
}

function redrawPlot(full, plot) {
  plot.chart.setData([plot.times, plot.values]);
  plot.stale = false;
}

// Limit lines (the bands in force), eclipse bands and command marks, over the series.
function decorate(u, full) {
  const ctx = u.ctx;
  const { left, top, width, height } = u.bbox;
  const x = (timeS) => u.valToPos(timeS, "x", true);
  const y = (value) => u.valToPos(value, "y", true);
  const [xMin, xMax] = [u.scales.x.min, u.scales.x.max];
  ctx.save();
  ctx.fillStyle = "rgba(120, 120, 160, 0.15)";
  for (const [startS, endS] of state.eclipses) {
    const from = Math.max(startS, xMin);
    const to = Math.min(endS ?? xMax, xMax);
    if (to > from) ctx.fillRect(x(from), top, x(to) - x(from), height);
  }
  for (const rule of state.rules) {
    if (rule.parameter !== full || !rule.limits) continue;
    for (const [name, colour] of [["red_low", "#d64545"], ["yellow_low", "#d6a21a"],
      ["yellow_high", "#d6a21a"], ["red_high", "#d64545"]]) {
      const limit = rule.limits[name];
      if (limit === null || limit < u.scales.y.min || limit > u.scales.y.max) continue;
      ctx.strokeStyle = colour;
      ctx.setLineDash([6, 4]);
      ctx.beginPath();
      ctx.moveTo(left, y(limit));
      ctx.lineTo(left + width, y(limit));
      ctx.stroke();
    }
  }
  ctx.setLineDash([2, 3]);
  ctx.strokeStyle = "#9fb6cc";
  for (const command of state.commands.values()) {
    if (command.sent_s < xMin || command.sent_s > xMax) continue;
    ctx.beginPath();
    ctx.moveTo(x(command.sent_s), top);
    ctx.lineTo(x(command.sent_s), top + height);
    ctx.stroke();
  }
  ctx.restore();
}

async function loadEclipses() {
  if (!state.params.has(ECLIPSE)) return; // a mission without eclipses
  const history = await api("GET", `/api/parameters/${ECLIPSE}/history`);
  for (const [timeS, value] of history.samples) noteEclipse(timeS, value);
  state.eclipsesLoaded = true;
}

function noteEclipse(timeS, value) {
  const last = state.eclipses[state.eclipses.length - 1];
  if (value && (!last || last[1] !== null)) state.eclipses.push([timeS, null]);
  else if (!value && last && last[1] === null) last[1] = timeS;
}

start().catch((error) => {
  document.getElementById("banner").className = "banner red";
  document.getElementById("banner").textContent = `the page could not start: ${error.message}`;
});
