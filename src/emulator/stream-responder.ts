import { type Answer, metadataOf, scheduleHeaders, stallOf, tokenOffsets } from './answer.ts';
import { nowMs, sleepUntil } from './clock.ts';
import { breakCrc, encodeEvent, encodeException, truncateFrame } from './event-stream.ts';
import type { Exchange } from './exchange.ts';
import { toolUseId } from './tools.ts';

/** One frame to write and its planned offset from the receive time (before stalls). */
interface Step {
  frame: Uint8Array;
  atMs: number;
  /** Set on contentBlockDelta frames. */
  isToken: boolean;
}

/**
 * Bedrock's event order: messageStart, then each content block (its deltas and its contentBlockStop),
 * then messageStop and metadata. Blocks, numbered from 0 in this order: the reasoning when extended
 * thinking was asked for (a `reasoningContent.text` delta per token chunk, then one
 * `reasoningContent.signature` delta), the text (a delta per token chunk; left out when a forced tool
 * call is the whole answer), and the tool call (`contentBlockStart.start.toolUse` once its name is
 * generated, then a `toolUse.input` fragment per token chunk of its JSON). Every token takes its place
 * in the one token schedule, in that order.
 */
function steps(answer: Answer): Step[] {
  const { plan, completion, requestId } = answer;
  const offsets = tokenOffsets(plan, completion.outputTokens);
  const end = offsets.at(-1) ?? plan.ttftMs;
  const out: Step[] = [
    { frame: encodeEvent('messageStart', { role: 'assistant' }), atMs: 0, isToken: false },
  ];
  let token = 0;
  let block = 0;
  /** When the token just generated was written (the first token's time before any). */
  const lastAt = (): number => (token === 0 ? plan.ttftMs : (offsets[token - 1] ?? end));
  const push = (type: string, payload: unknown, atMs: number, isToken = false): void => {
    out.push({ frame: encodeEvent(type, payload), atMs, isToken });
  };
  const reasoning = completion.reasoning;
  if (reasoning !== undefined) {
    for (const chunk of reasoning.chunks) {
      token += chunk.tokens;
      push(
        'contentBlockDelta',
        { delta: { reasoningContent: { text: chunk.text } }, contentBlockIndex: block },
        lastAt(),
      );
    }
    push(
      'contentBlockDelta',
      { delta: { reasoningContent: { signature: reasoning.signature } }, contentBlockIndex: block },
      lastAt(),
    );
    push('contentBlockStop', { contentBlockIndex: block }, lastAt());
    block++;
  }
  const tool = completion.tool;
  if (tool === undefined || completion.chunks.length > 0) {
    for (const chunk of completion.chunks) {
      token += chunk.tokens;
      push('contentBlockDelta', { delta: { text: chunk.text }, contentBlockIndex: block }, lastAt(), true);
    }
    push('contentBlockStop', { contentBlockIndex: block }, tool === undefined ? end : lastAt());
    block++;
  }
  if (tool !== undefined) {
    token += tool.nameTokens;
    push(
      'contentBlockStart',
      { start: { toolUse: { toolUseId: toolUseId(requestId), name: tool.name } }, contentBlockIndex: block },
      lastAt(),
    );
    for (const chunk of tool.chunks) {
      token += chunk.tokens;
      push(
        'contentBlockDelta',
        { delta: { toolUse: { input: chunk.text } }, contentBlockIndex: block },
        lastAt(),
      );
    }
    push('contentBlockStop', { contentBlockIndex: block }, end);
  }
  push('messageStop', { stopReason: completion.stopReason }, end);
  push('metadata', metadataOf(answer), end);
  return out;
}

/**
 * Acts out a ConverseStream plan. Headers go out at once (after a stall planned before the response);
 * each frame is written at its planned offset from the receive time. A fault with `afterEvents: k`
 * takes the place of event k + 1 at that event's time (a stall instead delays it and all later ones).
 */
export async function serveStream(ex: Exchange, answer: Answer): Promise<void> {
  const { entry, plan, requestId } = answer;
  const fault = plan.fault;
  const schedule = steps(answer);
  const stall = stallOf(fault);
  const shiftFor = (eventNumber: number): number =>
    stall.before + (stall.during && eventNumber > stall.during.afterEvents ? stall.during.ms : 0);

  const firstToken = schedule.findIndex((s) => s.isToken);
  const lastToken = schedule.findLastIndex((s) => s.isToken);
  entry.scheduledTtftMs =
    firstToken < 0 ? plan.ttftMs + shiftFor(1) : (schedule[firstToken]?.atMs ?? 0) + shiftFor(firstToken + 1);
  entry.scheduledTotalMs =
    lastToken < 0 ? entry.scheduledTtftMs : (schedule[lastToken]?.atMs ?? 0) + shiftFor(lastToken + 1);

  if (fault?.kind === 'drop' && fault.afterEvents === undefined) {
    entry.outcome = 'dropped';
    ex.drop();
    return;
  }
  if (!(await sleepUntil(entry.receivedMs + stall.before, ex.signal))) return;
  entry.status = 200;
  ex.head(200, {
    'content-type': 'application/vnd.amazon.eventstream',
    'x-amzn-requestid': requestId,
    ...scheduleHeaders(entry),
  });

  const faultAt =
    fault && fault.kind !== 'stall' && fault.kind !== 'http-error' ? (fault.afterEvents ?? 0) : -1;
  for (let i = 0; i <= schedule.length; i++) {
    const step = schedule[i];
    const due = (step?.atMs ?? schedule.at(-1)?.atMs ?? 0) + shiftFor(i + 1);
    if (i === Math.min(faultAt, schedule.length) && fault) {
      if (!(await sleepUntil(entry.receivedMs + due, ex.signal))) return;
      if (fault.kind === 'stream-exception') {
        entry.errorType = fault.exceptionType;
        ex.end(encodeException(fault.exceptionType, fault.message));
      } else if (fault.kind === 'corrupt-frame') {
        const victim = step?.frame ?? encodeEvent('contentBlockStop', { contentBlockIndex: 0 });
        ex.end(fault.mode === 'truncate' ? truncateFrame(victim) : breakCrc(victim));
      } else {
        entry.outcome = 'dropped';
        ex.drop();
      }
      return;
    }
    if (!step) break;
    if (!(await sleepUntil(entry.receivedMs + due, ex.signal))) return;
    if (step.isToken && entry.firstTokenMs === undefined) entry.firstTokenMs = nowMs();
    ex.write(step.frame);
  }
  ex.end();
}
