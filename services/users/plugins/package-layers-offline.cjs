// A local serverless plugin for services that declare `layers:`. The framework packages a layer and then asks
// CloudFormation (DescribeStacks) whether the deployed stack already holds the same upload, so a deploy can
// reuse it. That call needs AWS: `sls package` of a stage would fail offline (CI, `npm run check:deploy`).
// For the package command alone the comparison is skipped (it only ever saves an upload during a deploy);
// `sls deploy` keeps it.
class PackageLayersOffline {
  constructor(serverless) {
    this.hooks = {
      'before:package:compileLayers': () => {
        if (serverless.processedInput?.commands?.[0] !== 'package') return;
        for (const plugin of serverless.pluginManager.plugins) {
          if (plugin.constructor.name === 'AwsCompileLayers') plugin.compareWithLastLayer = async () => undefined;
        }
      },
    };
  }
}

module.exports = PackageLayersOffline;
