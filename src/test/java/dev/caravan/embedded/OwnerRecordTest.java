package dev.caravan.embedded;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OwnerRecordTest {

    @Test
    void roundTripsThroughTheLockFileText() {
        OwnerRecord record = new OwnerRecord(11116L, 1796093374L, 11199L);

        assertThat(record.format()).isEqualTo("gateway-pid=11116\nstarting-at=1796093374\nserver-pid=11199\n");
        assertThat(OwnerRecord.parse(record.format())).isEqualTo(record);
        assertThat(OwnerRecord.parse(new OwnerRecord(1L, 2L, null).format())).isEqualTo(new OwnerRecord(1L, 2L, null));
    }

    @Test
    void anEmptyOrForeignTextIsNoRecord() {
        assertThat(OwnerRecord.parse("")).isEqualTo(OwnerRecord.NONE);
        assertThat(OwnerRecord.parse("hello\ngateway-pid=abc\nother=1\n")).isEqualTo(OwnerRecord.NONE);
    }
}
