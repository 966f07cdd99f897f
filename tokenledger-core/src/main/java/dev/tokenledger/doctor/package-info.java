/**
 * {@code tokenledger doctor} as a service: checks the configuration, the usage key's class and
 * scopes, the organization listing and every framework key, and returns each result as data with
 * what is wrong and what to do. It never prints; the CLI renders the report.
 */
package dev.tokenledger.doctor;
