// A local s3rver in a process of its own for bench/blobstore (so that it does not share
// an event loop with the client that measures). Prints its endpoint, runs until killed.
import { startS3 } from '../../tests/integration/s3_server.mjs';

const s3 = await startS3({ verify: false });
console.log(s3.endpoint);
const stop = async () => { await s3.stop(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
