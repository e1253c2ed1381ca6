// The package's `main` is ESM that Node cannot load; its dist bundle is UMD with the same API.
declare module 'adaptivecards/dist/adaptivecards.js' {
  export * from 'adaptivecards';
}
