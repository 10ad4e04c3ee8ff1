// An uncaught exception: the driver reports it as "exception: <String(error)>".
function parseConfig(text) {
  const config = JSON.parse(text);
  if (!config.port) throw new Error(`port missing in ${Object.keys(config).join(',')}`);
  return config;
}
parseConfig('{"host":"localhost","debug":true}');
