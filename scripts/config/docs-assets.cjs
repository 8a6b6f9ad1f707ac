// Resolved by services/users/serverless.yml as ${file(../../scripts/config/docs-assets.cjs):dir}: where the
// docs page's Swagger UI files are on this machine (swagger-ui-dist, wherever npm put it). The local stage
// reads them from here; deployed stages ship them in a Lambda layer (/opt).
const path = require('node:path');

module.exports.dir = async () => path.dirname(require.resolve('swagger-ui-dist/package.json'));
