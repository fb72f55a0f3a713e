/** Pictures of the emulator's trace. */
export { type DiagramPanel, renderPanels, renderSequenceDiagram, type SequenceDiagramOptions } from './sequence_diagram.js';
