// The gRPC receiver's HTTP/2 flow-control window, read by a real HTTP/2 client from what the server
// sends: the per-stream window in its SETTINGS and the connection window after its WINDOW_UPDATE.
// grpc-js does not expose these on the server, so this is also what fails if an upgrade moves the
// servers applyFlowControlWindow reaches for.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type ClientHttp2Session } from 'node:http2';
import { startTestReceivers } from './testing.js';

const DEFAULT_WINDOW = 65_535;

async function windowsSeen(port: number): Promise<{ stream: number; connection: number }> {
  const session: ClientHttp2Session = connect(`http://127.0.0.1:${port}`);
  try {
    const settings = await new Promise<{ initialWindowSize?: number }>((resolve, reject) => {
      session.once('remoteSettings', resolve);
      session.once('error', reject);
    });
    // The connection window is raised by a WINDOW_UPDATE that may follow SETTINGS: a ping's answer
    // comes after every frame the server sent before it.
    await new Promise<void>((resolve, reject) => session.ping((e) => (e ? reject(e) : resolve())));
    return { stream: settings.initialWindowSize ?? DEFAULT_WINDOW, connection: session.state.remoteWindowSize ?? NaN };
  } finally {
    session.close();
  }
}

describe('gRPC flow-control window', () => {
  test('the configured window is announced per stream and given to the connection', async () => {
    const rx = await startTestReceivers({ grpcFlowControlWindow: 1 << 20 });
    try {
      assert.equal(rx.grpc.flowControlApplied, true);
      assert.deepEqual(await windowsSeen(rx.grpcPort), { stream: 1 << 20, connection: 1 << 20 });
    } finally {
      await rx.close();
    }
  });

  test('without a window configured the server keeps HTTP/2 defaults', async () => {
    const rx = await startTestReceivers({});
    try {
      assert.deepEqual(await windowsSeen(rx.grpcPort), { stream: DEFAULT_WINDOW, connection: DEFAULT_WINDOW });
    } finally {
      await rx.close();
    }
  });
});
