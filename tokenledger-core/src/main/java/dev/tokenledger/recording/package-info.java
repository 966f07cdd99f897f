/**
 * Ways runs get into the ledger besides the library's own handles: {@code run exec} (a framework's
 * command run as one recorded step), the metering proxy's sink and launcher, and the import of runs
 * recorded by genai-devbench. It may import {@code ledger}, {@code metering}, {@code config},
 * {@code keys}, {@code openai} and {@code attribution}; like all of core it never imports the CLI,
 * simulator, proxy or bench (CoreArchitectureTest: no package cycles).
 */
package dev.tokenledger.recording;
