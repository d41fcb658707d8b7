import { type Answer, metadataOf, scheduleHeaders, stallOf, tokenOffsets } from './answer.ts';
import { httpErrorForStreamException } from './bedrock-error.ts';
import { nowMs, sleepUntil } from './clock.ts';
import type { Exchange } from './exchange.ts';
import { sendError } from './send-error.ts';
import { toolUseId } from './tools.ts';

/**
 * Acts out a Converse plan: the whole answer after ttft + every token gap (+ any stall). Stream-only
 * faults map as follows: a stream exception becomes the matching HTTP error (answered at once), a
 * truncated frame becomes a body cut in half, a bad CRC is ignored (JSON has no checksum), and a drop
 * with `afterEvents` drops the connection at the moment the answer was due.
 */
export async function serveConverse(ex: Exchange, answer: Answer): Promise<void> {
  const { plan, completion, entry, requestId } = answer;
  const fault = plan.fault;
  if (fault?.kind === 'stream-exception') {
    sendError(ex, entry, requestId, httpErrorForStreamException(fault.exceptionType, fault.message));
    return;
  }
  if (fault?.kind === 'drop' && fault.afterEvents === undefined) {
    entry.outcome = 'dropped';
    ex.drop();
    return;
  }
  const offsets = tokenOffsets(plan, completion.outputTokens);
  const stall = stallOf(fault);
  const pause = stall.before + (stall.during?.ms ?? 0);
  entry.scheduledTtftMs = plan.ttftMs + pause;
  entry.scheduledTotalMs = (offsets.at(-1) ?? plan.ttftMs) + pause;

  if (!(await sleepUntil(entry.receivedMs + entry.scheduledTotalMs, ex.signal))) return;
  if (fault?.kind === 'drop') {
    entry.outcome = 'dropped';
    ex.drop();
    return;
  }
  const { reasoning, tool } = completion;
  // In Bedrock's order: reasoning, text (none when a forced tool call is the whole answer), tool call.
  const content = [
    ...(reasoning === undefined
      ? []
      : [{ reasoningContent: { reasoningText: { text: reasoning.text, signature: reasoning.signature } } }]),
    ...(tool !== undefined && completion.text === '' ? [] : [{ text: completion.text }]),
    ...(tool?.complete
      ? [{ toolUse: { toolUseId: toolUseId(requestId), name: tool.name, input: tool.input } }]
      : []),
  ];
  const body = JSON.stringify({
    output: { message: { role: 'assistant', content } },
    stopReason: completion.stopReason,
    ...metadataOf(answer),
  });
  entry.status = 200;
  ex.head(200, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'x-amzn-requestid': requestId,
    ...scheduleHeaders(entry),
  });
  entry.firstTokenMs = nowMs();
  if (fault?.kind === 'corrupt-frame' && fault.mode === 'truncate') {
    // content-length promises the whole body; ending short makes the client see a broken response.
    ex.write(body.slice(0, Math.floor(body.length / 2)));
    entry.outcome = 'dropped';
    ex.drop();
    return;
  }
  ex.end(body);
}
