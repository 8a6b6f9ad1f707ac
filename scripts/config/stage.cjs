// Resolved by serverless.common.yml as ${file(../../scripts/config/stage.cjs):stage}: the stage name,
// refused before anything is packaged or deployed when it would make invalid or colliding names.
const stagePattern = /^[a-z0-9-]{1,16}$/;

module.exports.stage = async ({ resolveVariable }) => {
  const stage = await resolveVariable('sls:stage');
  if (typeof stage !== 'string' || !stagePattern.test(stage)) {
    throw new Error(`Invalid stage "${stage}": use 1 to 16 characters of a-z, 0-9 and "-" (it is part of every table, bucket, pool and topic name).`);
  }
  return stage;
};

// The stage as part of a Glue/Athena name (letters, digits and "_"): "-" becomes "_".
module.exports.glueName = async ({ resolveVariable }) => (await module.exports.stage({ resolveVariable })).replace(/-/g, '_');
