import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { encryptionKeysFromConfig, generateEncryptionKey, parseEncryptionKey, rotateEncryptionKey } from "@powertoken/core";
import { command } from "../../_command.js";
import { loadCliConfig } from "../../_config.js";
import { withDatabase } from "../../_database.js";
import { CliError } from "../../_errors.js";

export default command({
  name: "powertoken db rotate-key",
  description: "Re-encrypt every stored token with a new key file and point the config at it (old key file kept for backup).",
  examples: ["powertoken db rotate-key", "powertoken db rotate-key --key-id 2027-01"],
  args: {
    "key-id": { type: "string", description: "Id of the new key (default: the current id with its number bumped, k1 → k2)", valueHint: "id" },
  },
  async run(args, env) {
    const { config, path } = loadCliConfig(args, env);
    const from = encryptionKeysFromConfig(config);
    if (path === null || config.encryption.keyFile === undefined || from === undefined || env.env["POWERTOKEN_ENCRYPTION_KEY"]) {
      throw new CliError(
        "NOT_CONFIGURED",
        "rotate-key works on a config file whose key lives in encryption.keyFile. With POWERTOKEN_ENCRYPTION_KEY, rotate by hand: add the old key to encryption.previousKeys, set the new key and keyId, then run this again.",
      );
    }
    const newId = args["key-id"] ?? bumpId(config.encryption.keyId);
    if (newId === config.encryption.keyId) throw new CliError("ALREADY_EXISTS", `The new key id must differ from the current one (${newId}).`);
    const newKeyFile = join(dirname(config.encryption.keyFile), `encryption-${newId}.key`);
    if (existsSync(newKeyFile)) throw new CliError("ALREADY_EXISTS", `${newKeyFile} already exists; choose another --key-id.`);
    // 1. the new key is on disk (0600) before any token depends on it
    const text = generateEncryptionKey();
    writeFileSync(newKeyFile, `${text}\n`, { mode: 0o600, flag: "wx" });
    // 2. every token re-encrypted in one transaction
    let reencrypted: number;
    try {
      ({ reencrypted } = await withDatabase(config, (handle) => rotateEncryptionKey(handle.db, { from, to: { id: newId, key: parseEncryptionKey(text) } })));
    } catch (error) {
      unlinkSync(newKeyFile); // the transaction rolled back: nothing uses the new key
      throw error;
    }
    // 3. the config points at the new key (written beside, then renamed: never half a file)
    const file = JSON.parse(readFileSync(path, "utf8")) as { encryption?: Record<string, unknown> };
    file.encryption = { ...file.encryption, keyFile: newKeyFile, keyId: newId };
    writeFileSync(`${path}.tmp`, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    renameSync(`${path}.tmp`, path);
    env.out.result({ keyId: newId, keyFile: newKeyFile, previousKeyFile: config.encryption.keyFile, reencrypted }, () => {
      env.out.log.success(`Re-encrypted ${reencrypted} token(s) with key ${newId} (${newKeyFile}).`);
      env.out.line(`The old key file ${config.encryption.keyFile} is no longer needed; delete it once backups no longer hold tokens encrypted with it.`);
    });
  },
});

function bumpId(id: string): string {
  const match = /^(.*?)(\d+)$/.exec(id);
  return match ? `${match[1]}${Number(match[2]) + 1}` : `${id}-2`;
}
