/**
 * jflame's flame graph library: collapsed stacks in, one self-contained interactive SVG out.
 *
 * <p>{@link dev.jflame.flamegraph.CollapsedParser} (or {@link dev.jflame.flamegraph.DiffParser})
 * reads text into a {@link dev.jflame.flamegraph.Profile}; {@link dev.jflame.flamegraph.FrameTree}
 * merges its stacks into boxes; {@link dev.jflame.flamegraph.SvgRenderer} draws the tree. Each
 * step reads only the previous step's model, never the input text.
 */
package dev.jflame.flamegraph;
