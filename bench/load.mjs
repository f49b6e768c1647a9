/**
 * The load generator, run as its own process by run.mjs (pinned to the other CPU than the apps): runs
 * autocannon programmatically on request and replies with what one run measured.
 */
import autocannon from 'autocannon';
import { announceReady, serveParent } from './lib/serve-parent.mjs';

/** One autocannon run: `connections` keep-alive connections, pipelining 1, for `durationSec`. */
function run({ url, headers, connections, durationSec }) {
  return new Promise((resolve, reject) => {
    autocannon({ url, headers, connections, pipelining: 1, duration: durationSec }, (error, result) => {
      if (error) return reject(error);
      resolve({
        // 2xx only: a variant that answered errors must not look fast.
        rps: result['2xx'] / result.duration,
        ok: result['2xx'],
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        durationSec: result.duration,
        latencyP50: result.latency.p50,
        latencyP99: result.latency.p99,
      });
    });
  });
}

serveParent({ run });
announceReady();
