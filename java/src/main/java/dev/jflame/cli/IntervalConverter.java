package dev.jflame.cli;

import dev.jflame.jvm.Interval;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Lets picocli report a bad interval as a usage error naming the option. */
final class IntervalConverter implements ITypeConverter<Interval> {
    @Override
    public Interval convert(String value) {
        try {
            return Interval.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
