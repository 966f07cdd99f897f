/** The metering proxy (docs/metering.md). */
package dev.tokenledger.proxy;
