import { Readable } from "node:stream";

/** Bytes generated per chunk: large enough to be cheap, small enough to never matter for RSS. */
const chunkBytes = 64 * 1024;

/**
 * The content the simulator serves for a file: deterministic JSONL, one batch result per line,
 * exactly `bytes` long (the tail is a padding line, or blank lines when under 11 bytes remain).
 * Streams in 64 KiB chunks, so a 1 GB file costs no memory.
 */
export function fileContentStream(fileId: string, bytes: number): Readable {
  let line = 0;
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= bytes) {
        this.push(null);
        return;
      }
      const parts: string[] = [];
      let size = 0;
      const target = Math.min(chunkBytes, bytes - sent);
      while (size < target) {
        const remaining = bytes - sent - size;
        const next = resultLine(fileId, line);
        const text =
          next.length <= remaining - 11 || next.length === remaining ? next : padding(remaining);
        if (text === next) line += 1;
        parts.push(text);
        size += text.length;
      }
      const chunk = Buffer.from(parts.join(""), "latin1");
      sent += chunk.byteLength;
      this.push(chunk);
    },
  });
}

function resultLine(fileId: string, n: number): string {
  const id = `request-${String(n).padStart(8, "0")}`;
  return `{"id":"batch_req_${n}","custom_id":"${id}","response":{"status_code":200,"body":{"object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"result ${n} of ${fileId}"}}]}},"error":null}\n`;
}

/** Exactly `size` bytes: `{"pad":"xxx"}\n`, or newlines when a JSON line would not fit. */
function padding(size: number): string {
  if (size < 11) return "\n".repeat(size);
  return `{"pad":"${"x".repeat(size - 11)}"}\n`;
}
