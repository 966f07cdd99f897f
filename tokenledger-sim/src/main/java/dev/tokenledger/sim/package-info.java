/** An OpenAI stand-in on the JDK's HTTP server, for tests, the demo and benchmarks. */
package dev.tokenledger.sim;
