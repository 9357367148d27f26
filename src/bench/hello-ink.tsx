// The baseline for the first-frame benchmark: the smallest Ink app there is.
import { render, Text } from 'ink';

const app = render(<Text>hello</Text>);
process.on('SIGTERM', () => {
  app.unmount();
  process.exit(0);
});
setInterval(() => {}, 1_000);
