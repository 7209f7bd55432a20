package io.circuitstream.example

import io.circuitstream.app.TestService
import io.circuitstream.data.Datasets
import io.circuitstream.stream.codec.Format
import io.circuitstream.stream.message.ImageMessage
import io.circuitstream.testing.KafkaTestBroker
import io.circuitstream.testing.TestModels
import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.api.Assertions.within
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Path
import java.time.Duration

/** The Kotlin client example run against a real service on the embedded Kafka broker. */
class CircuitstreamClientTest {

    private fun digit(index: Int, id: String): ImageMessage {
        val set = Datasets.mnistTest()
        val missing = BooleanArray(784) { it in 300..339 } // two rows of the middle missing
        return ImageMessage(id, 28, 28, IntArray(784) { set.pixel(index, it) }, missing, set.label(index))
    }

    @Test
    fun `a Kotlin client publishes images, receives their predictions and alerts, and swaps the model through the admin API`(
        @TempDir dir: Path,
    ) {
        // v0001 flags every image (threshold 0); v0002 flags none.
        TestService.start(dir, TestModels.untrained(41, 0.0), mapOf()).use { service ->
            val v2 = service.addModel(TestModels.untrained(42, 1e9))
            val topics = ClientTopics(
                images = service.topics().images().name(),
                predictions = service.topics().predictions().name(),
                alerts = service.topics().oodAlerts().name(),
            )
            CircuitstreamClient(service.bootstrapServers(), topics, service.adminUrl(), service.adminToken()).use { client ->
                val formats = Format.entries
                val images = (0 until 12).map { digit(it, "kotlin-$it") }
                images.forEachIndexed { i, image -> client.publish(image, formats[i % formats.size]) }

                val outputs = client.subscribe(KafkaTestBroker.uniqueName("kotlin-client"))
                    .use { it.collect(2 * images.size, Duration.ofSeconds(60)) }

                val predictions = outputs.filterIsInstance<Output.Predicted>().map { it.prediction }
                val alerts = outputs.filterIsInstance<Output.Alerted>().map { it.alert }
                assertThat(predictions.map { it.id }).containsExactlyInAnyOrderElementsOf(images.map { it.id })
                assertThat(alerts.map { it.id }).containsExactlyInAnyOrderElementsOf(images.map { it.id })
                for (prediction in predictions) {
                    assertThat(prediction.probabilities.sum()).isCloseTo(1.0, within(1e-9))
                    assertThat(prediction.missingPixels).isEqualTo(40)
                    assertThat(prediction.modelVersion).isEqualTo("v0001")
                    assertThat(prediction.ood).isTrue()
                }

                assertThat(client.activeModel()).isEqualTo("v0001")
                val activation = client.activate(v2)
                assertThat(activation).isEqualTo(Activation(200, "SWAPPED", v2))
                assertThat(client.activeModel()).isEqualTo(v2)
                val classified = client.classify(images[0])
                assertThat(classified.id).isEqualTo("kotlin-0")
                assertThat(classified.modelVersion).isEqualTo(v2)
                assertThat(classified.ood).isFalse()
            }
            CircuitstreamClient(service.bootstrapServers(), ClientTopics(), service.adminUrl(), "not-the-token").use { intruder ->
                assertThat(intruder.activate("v0001").status).isEqualTo(403)
                assertThat(intruder.activeModel()).isEqualTo(v2)
            }
        }
    }
}
