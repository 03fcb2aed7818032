// A request parameter that passed its schema but not the route's own rule (tier=cold where the archive has none, a
// time range that ends before it starts): a 400 naming the parameter, as a schema failure gives.
export class BadParameter extends Error {
  constructor(
    readonly parameter: string,
    message: string,
  ) {
    super(message);
  }
}
