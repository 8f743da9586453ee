// The page's use of the generated client (client.gen.ts), bundled into
// petstore.js by internal/bundle, whose global petstoreClient index.html
// uses.

import { Client } from "./client.gen.js";
import { EventParser, type RawEvent } from "./runtime.gen.js";

export { EventError, ResponseError } from "./runtime.gen.js";

/** The API of the server that serves the page. */
export const api = new Client(location.origin);

/** An event as EventSource delivers it. */
export interface PageEvent {
  type: string;
  data: string;
  lastEventId: string;
}

/**
 * readEventStream reads a text/event-stream body with the generated
 * client's parser and calls onEvent for each event, the way EventSource
 * would deliver it; the browser test checks the two agree.
 */
export async function readEventStream(body: ReadableStream<Uint8Array>, onEvent: (e: PageEvent) => void): Promise<void> {
  const parser = new EventParser();
  const reader = body.getReader();
  const emit = (events: RawEvent[]) => {
    for (const e of events) onEvent({ type: e.type, data: e.data, lastEventId: e.id });
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      emit(parser.end());
      return;
    }
    emit(parser.push(value));
  }
}
