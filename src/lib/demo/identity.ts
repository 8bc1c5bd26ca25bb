// How the sample group is told apart from other groups without loading its items: its name and the
// sample member who created it (the same in every copy, and in the relay's `--demo` group).
export const SAMPLE_GROUP_NAME = 'Tic&Travail';
export const SAMPLE_CREATOR_ID = 'sample-aurialie';
