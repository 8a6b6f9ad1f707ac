// `sls offline`: esbuild's service process runs only while building (see the shared plugin).
module.exports = require('../../../scripts/serverless/esbuild-on-demand.cjs');
