/** Authentication (bearer tokens and API keys) and the request's caller. */
package dev.tessera.web.security;
