package dev.caravan.hawtio;

import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An operator's visit, in Debian's headless Chromium: Hawtio's login page with the admin key, then the Camel routes
 * view, where the demo profile and provider show the chat call just made. The page is saved as
 * target/hawtio-routes.png. Without Chromium the test is skipped, except under CI, where that is a failure.
 */
class HawtioBrowserTest extends HawtioTestSupport {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private WebDriver browser;

    @BeforeEach
    void openBrowser() throws IOException {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!installed && "true".equals(System.getenv("CI"))) {
            fail(CHROMIUM + " and " + CHROMEDRIVER + " are needed (Debian packages chromium, chromium-driver)");
        }
        assumeTrue(installed, "Chromium and chromedriver are not installed");
        // the driver and browser are named, so Selenium Manager (which would download them) is never asked
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1400,1400",
                "--user-data-dir=" + Files.createTempDirectory("hawtio-chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void anOperatorSeesTheDemoRoutesWithTheirExchangesInHawtio() throws IOException {
        HttpResponse<String> chat = postJson("/v1/chat/completions",
                "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}");
        assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);

        browser.get(managementUrl() + "/hawtio/");
        WebElement password = waitFor(By.cssSelector("input[type=password]"));
        assertThat(browser.getCurrentUrl()).endsWith("/hawtio/login");
        browser.findElement(By.cssSelector("input[type=text]")).sendKeys("ops");
        password.sendKeys(ADMIN_KEY);
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        await("Hawtio after the login").atMost(Duration.ofSeconds(30))
                .until(() -> !browser.getCurrentUrl().contains("/login"));

        browser.get(managementUrl() + "/hawtio/camel");
        waitFor(By.xpath("//button[contains(@class,'pf-v5-c-tree-view__node-text') and normalize-space()='routes']"))
                .click();
        await("the demo routes' exchanges in the routes table").atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> {
                    assertThat(completed("profile-demo")).isPositive();
                    assertThat(completed("provider-demo")).isPositive();
                });
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block: 'center'})", row("profile-demo"));
        File screenshot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(screenshot.toPath(), Path.of("target/hawtio-routes.png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private WebElement waitFor(By locator) {
        await(locator.toString()).atMost(Duration.ofSeconds(30)).until(() -> !browser.findElements(locator).isEmpty());
        return browser.findElement(locator);
    }

    private WebElement row(String routeId) {
        return browser.findElement(By.xpath("//table[@id='camel-routes-table']//tr[td[@data-label='Name' and "
                + "normalize-space()='" + routeId + "']]"));
    }

    /** The Completed column of a route's row in Hawtio's routes table (0 while the row is not there yet). */
    private long completed(String routeId) {
        List<WebElement> cells = browser.findElements(By.xpath("//table[@id='camel-routes-table']//tr[td[@data-label="
                + "'Name' and normalize-space()='" + routeId + "']]/td[@data-label='Completed']"));
        return cells.isEmpty() ? 0 : Long.parseLong(cells.get(0).getText().trim());
    }
}
