/** Benchmarks: JMH classes and simulator scenarios that print their figures. */
package dev.tokenledger.bench;
