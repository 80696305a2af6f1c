/**
 * Client types with their own lifetimes: a browser (`web`) or an installed app (`mobile`).
 * Access tokens carry it (`client_type`), families store it, lifetimes are set per type.
 */
export type ClientType = 'web' | 'mobile';
