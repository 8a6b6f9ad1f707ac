// Takes the framework's account-wide ManageConnections grant off the shared role (see the shared plugin).
module.exports = require('../../../scripts/serverless/websocket-role-scope.cjs');
