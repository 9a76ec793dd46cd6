/** Cross-cutting HTTP concerns: errors as problem+json, body limits, admission, metrics, health. */
package dev.tessera.web.platform;
