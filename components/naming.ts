// Names of child resources and of the AWS objects they create.
//
// Child resources are named `<component>-<role>` so that a stack's URNs read
// as a tree and stay the same from one preview to the next. Physical AWS names
// are left to the provider, generated once from a prefix and then kept in
// state, so nothing here may depend on the clock, randomness or key order.

/** The one joiner between a component's name and a child's role. */
export const NAME_JOINER = "-";

/** Names a child resource after its parent component: `childName("hello", "queue")` is `hello-queue`. */
export function childName(component: string, ...roles: string[]): string {
  return [component, ...roles].join(NAME_JOINER);
}

/** Maximum length of an SQS queue name, `.fifo` included. */
export const SQS_QUEUE_NAME_MAX_LENGTH = 80;

/**
 * Length of the unique id that the AWS provider (the Terraform provider behind
 * @pulumi/aws) appends to a `namePrefix`. For a FIFO queue it appends `.fifo`
 * after the id, generating `<prefix><26-character id>.fifo`, so the prefix must
 * not end in `.fifo`.
 */
export const GENERATED_SUFFIX_LENGTH = 26;
const FIFO_SUFFIX = ".fifo";

/** Longest `namePrefix` for which the generated FIFO queue name stays within SQS's limit. */
export const FIFO_QUEUE_NAME_PREFIX_MAX_LENGTH = SQS_QUEUE_NAME_MAX_LENGTH - GENERATED_SUFFIX_LENGTH - FIFO_SUFFIX.length;

const QUEUE_NAME_CHARACTERS = /^[A-Za-z0-9_-]+$/;

/**
 * Returns the problem with a FIFO queue `namePrefix`, or undefined when the
 * provider can generate a valid queue name from it.
 */
export function fifoQueueNamePrefixProblem(prefix: string): string | undefined {
  if (!QUEUE_NAME_CHARACTERS.test(prefix)) {
    return "may contain only letters, digits, '-' and '_'";
  }
  if (prefix.length > FIFO_QUEUE_NAME_PREFIX_MAX_LENGTH) {
    return `is ${prefix.length} characters long, but a FIFO queue name prefix may have at most ${FIFO_QUEUE_NAME_PREFIX_MAX_LENGTH}`;
  }
  return undefined;
}
