/**
 * Where a renderer's main-thread time went, from a Chrome trace (`Tracing.dataCollected`
 * events): self time by event name, and the time spent in script by the script's origin
 * (an extension's content script against the page's own), forced layouts included.
 * Used by the DM benchmark's trace mode (SOTTO_BENCH_TRACE=1).
 */
export interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: {
    name?: string;
    data?: { url?: string; frames?: { url?: string; processId?: number; parent?: string }[] };
  };
}

export interface TraceSummary {
  /** Sum of top-level task durations on the thread, ms. */
  totalMs: number;
  /** Self time by event name, ms, largest first. */
  selfByName: [string, number][];
  /** Inclusive time of outermost script calls by script origin, ms. */
  scriptByOrigin: [string, number][];
  /** Self time by event name inside outermost script calls from extension origins, ms. */
  extensionSelf: [string, number][];
  /** The longest top-level tasks: duration and self time by event inside them (script origin in brackets), ms. */
  longest: { ms: number; children: [string, number][] }[];
}

const SCRIPT_EVENTS = new Set([
  'FunctionCall',
  'EvaluateScript',
  'v8.callFunction',
  'TimerFire',
  'FireAnimationFrame',
]);

function originOf(url: string | undefined): string {
  if (!url) return '(unknown)';
  try {
    const parsed = new URL(url);
    return parsed.protocol.endsWith('extension:')
      ? 'extension'
      : `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(unknown)';
  }
}

/** The main thread of the renderer that showed `pageUrlPrefix` as its top frame. */
function findMainThread(
  events: TraceEvent[],
  pageUrlPrefix: string,
): { pid: number; tid: number } | null {
  let pid: number | undefined;
  for (const event of events) {
    if (event.name !== 'TracingStartedInBrowser') continue;
    const top = event.args?.data?.frames?.find(
      (f) => !f.parent && f.url?.startsWith(pageUrlPrefix),
    );
    if (top?.processId) pid = top.processId;
  }
  // The navigation may have landed in another renderer: the one with the most page script.
  if (pid === undefined) {
    const counts = new Map<number, number>();
    for (const event of events) {
      if (event.name === 'FunctionCall' && event.args?.data?.url?.startsWith(pageUrlPrefix))
        counts.set(event.pid, (counts.get(event.pid) ?? 0) + 1);
    }
    pid = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  }
  if (pid === undefined) return null;
  const thread = events.find(
    (e) =>
      e.pid === pid &&
      e.ph === 'M' &&
      e.name === 'thread_name' &&
      e.args?.name === 'CrRendererMain',
  );
  return thread ? { pid, tid: thread.tid } : null;
}

export function summariseTrace(events: TraceEvent[], pageUrlPrefix: string): TraceSummary | null {
  const thread = findMainThread(events, pageUrlPrefix);
  if (!thread) return null;
  const spans = events
    .filter((e) => e.pid === thread.pid && e.tid === thread.tid && e.ph === 'X' && (e.dur ?? 0) > 0)
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const self = new Map<string, number>();
  const byOrigin = new Map<string, number>();
  const extensionSelf = new Map<string, number>();
  let total = 0;
  const tasks: { ms: number; children: Map<string, number> }[] = [];
  // Open spans, outermost first; each with its remaining self time and the script origin it runs under.
  const stack: { end: number; name: string; self: number; origin: string | null }[] = [];
  const close = (until: number) => {
    while (stack.length > 0 && stack.at(-1)!.end <= until) {
      const done = stack.pop()!;
      self.set(done.name, (self.get(done.name) ?? 0) + done.self);
      const label = done.origin ? `${done.name}[${done.origin.split('/').pop()}]` : done.name;
      tasks
        .at(-1)
        ?.children.set(label, (tasks.at(-1)!.children.get(label) ?? 0) + done.self / 1000);
      if (done.origin === 'extension')
        extensionSelf.set(done.name, (extensionSelf.get(done.name) ?? 0) + done.self);
    }
  };
  for (const span of spans) {
    close(span.ts);
    const dur = span.dur!;
    const parent = stack.at(-1);
    if (parent) parent.self -= Math.min(dur, parent.self);
    else {
      total += dur;
      tasks.push({ ms: dur / 1000, children: new Map() });
    }
    let origin = parent?.origin ?? null;
    if (origin === null && SCRIPT_EVENTS.has(span.name)) {
      origin = originOf(span.args?.data?.url);
      byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + dur);
    }
    stack.push({ end: span.ts + dur, name: span.name, self: dur, origin });
  }
  close(Number.POSITIVE_INFINITY);
  const ms = (map: Map<string, number>) =>
    [...map].map(([k, v]) => [k, v / 1000] as [string, number]).sort((a, b) => b[1] - a[1]);
  return {
    totalMs: total / 1000,
    selfByName: ms(self),
    scriptByOrigin: ms(byOrigin),
    extensionSelf: ms(extensionSelf),
    longest: tasks
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 6)
      .map((task) => ({
        ms: task.ms,
        children: [...task.children].sort((a, b) => b[1] - a[1]).slice(0, 6),
      })),
  };
}

/** A V8 CPU profile (`Profiler.stop`), as far as it is read here. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    children?: number[];
  }[];
  samples?: number[];
  timeDeltas?: number[];
}

/**
 * Time (ms) by function, for functions whose script URL passes `keep`, largest first: each
 * sample is charged to the innermost such function on its stack, so the built-ins and DOM
 * calls it makes (a forced layout, a querySelectorAll) count as its own.
 */
export function hotFunctions(
  profile: CpuProfile,
  keep: (url: string) => boolean,
): [string, number][] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    let id: number | undefined = samples[i]!;
    while (id !== undefined && !keep(byId.get(id)?.callFrame.url ?? '')) id = parent.get(id);
    const frame = id === undefined ? undefined : byId.get(id)?.callFrame;
    if (!frame) continue;
    // A sample's time is the delta to the next one.
    const ms = (deltas[i + 1] ?? 0) / 1000;
    const key = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop()}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + ms);
  }
  return [...self].sort((a, b) => b[1] - a[1]);
}
