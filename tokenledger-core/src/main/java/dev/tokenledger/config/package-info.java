/**
 * tokenledger's configuration: the usage key, the framework keys, the base URL and the {@code
 * TOKENLEDGER_*} settings, read from an injected environment and a working directory's {@code .env}
 * file, with where each value came from and the warnings for the caller to print; also {@link
 * dev.tokenledger.config.PriceFiles}, the one place price files and the packaged price table are
 * read. It may import the root package and {@code pricing}; it never imports the ledger, the OpenAI
 * client or any command (CoreArchitectureTest: no package cycles, core never imports the CLI,
 * simulator, proxy or bench).
 */
package dev.tokenledger.config;
