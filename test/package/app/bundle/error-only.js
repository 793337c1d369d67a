import { WirestateError } from 'wirestate';

export const isWirestateError = (error) => error instanceof WirestateError;
