// A local s3rver in a process of its own, for bench/blobstore (so that it does not share
// an event loop with the client that measures) and the S3 unit tests (with --verify: the
// front that checks signatures and checksums). Prints its endpoint, runs until killed.
import { startS3 } from './s3_server.mjs';

const s3 = await startS3({ verify: process.argv.includes('--verify') });
console.log(s3.endpoint);
const stop = async () => { await s3.stop(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
