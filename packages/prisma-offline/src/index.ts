/**
 * @hubwerk/prisma-offline: an air-gapped stand-in for Prisma's native schema
 * engine (bin/schema-engine.mjs), and the switch that selects it
 * (selectSchemaEngine, used by the root prisma.config.ts). See README.md.
 */
export {
  canResolveHost,
  engineDownloadHost,
  isNativeEngineInstalled,
  parseOfflineSetting,
  selectSchemaEngine,
  STAND_IN_ENGINE_PATH,
  type EngineChoice,
  type SelectSchemaEngineOptions,
} from './select-engine.ts';
