// The mocks live in components/testing so that `npm run render`, which must not
// depend on test code, shares them with the component tests.
export * from "../../../components/testing/pulumi-mocks.js";
