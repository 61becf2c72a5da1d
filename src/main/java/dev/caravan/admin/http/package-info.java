/**
 * The plumbing the accounts endpoints share, admin ({@code dev.caravan.admin}) and self-service
 * ({@code dev.caravan.usage}) alike: one platform-http route per endpoint, authentication first, validated
 * request reads that answer 400 naming the field, JSON replies with exact money and no echoed headers.
 */
package dev.caravan.admin.http;
